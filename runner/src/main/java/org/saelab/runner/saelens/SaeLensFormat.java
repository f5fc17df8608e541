package org.saelab.runner.saelens;

/**
 * SAELens's on-disk SAE format, as saelab writes and reads it. Checked against SAELens 6.18.0's
 * source (github.com/jbloomAus/SAELens, commit 91ca16cc):
 * <ul>
 *   <li>{@code sae_lens/constants.py}: the files are {@code cfg.json} and
 *       {@code sae_weights.safetensors}.
 *   <li>{@code sae_lens/saes/sae.py}, {@code SAE.load_from_disk}: reads cfg.json, passes it
 *       through {@code handle_config_defaulting}, picks the config and SAE classes by the
 *       {@code architecture} key ({@code SAEConfig.from_dict} keeps only the dataclass fields),
 *       then {@code load_state_dict}, which is strict: exactly the architecture's tensors.
 *       {@code SAEConfig} fields: d_in, d_sae, dtype ("float32"), device, apply_b_dec_to_input,
 *       normalize_activations ("none", ...), reshape_activations ("none", "hook_z"), metadata.
 *   <li>{@code sae_lens/loading/pretrained_sae_loaders.py}, {@code handle_config_defaulting}:
 *       the version is {@code metadata.sae_lens_version} (or a top-level one), parsed with
 *       {@code packaging.version.Version}; below 6.0.0-rc.0 the old-format conversion runs.
 *       {@code read_sae_components_from_disk} converts every tensor to cfg.json's dtype.
 *   <li>{@code sae_lens/__init__.py}: inference architectures registered as "standard",
 *       "gated", "topk", "jumprelu" (and transcoders); "batchtopk" is a training class only.
 *   <li>{@code sae_lens/saes/batchtopk_sae.py}, {@code BatchTopKTrainingSAE}: its config's
 *       {@code get_inference_config_class} is {@code JumpReLUSAEConfig};
 *       {@code process_state_dict_for_saving_inference} first does the TopK folding, then
 *       replaces the running {@code topk_threshold} by a {@code threshold} tensor [d_sae] filled
 *       with that one value (not rescaled: it already applies to norm-scaled activations).
 *   <li>{@code sae_lens/saes/topk_sae.py}, {@code _fold_norm_topk} (called from
 *       {@code TopKTrainingSAE.process_state_dict_for_saving_inference} when
 *       rescale_acts_by_decoder_norm): b_enc ⊙= ‖W_dec[j]‖, W_dec[j] /= ‖W_dec[j]‖, W_enc[:, j]
 *       ⊙= ‖W_dec[j]‖. {@code TopKSAEConfig} adds k (int) and rescale_acts_by_decoder_norm; its
 *       {@code TopK} keeps the k largest pre-activations per sample, then applies ReLU.
 *   <li>{@code sae_lens/saes/jumprelu_sae.py}, {@code JumpReLUSAE.encode}: relu(pre) where
 *       pre &gt; threshold, else 0; decode: a · W_dec + b_dec. {@code SAE.process_sae_in}
 *       subtracts b_dec when apply_b_dec_to_input.
 *   <li>{@code sae_lens/saes/standard_sae.py}: StandardSAE is relu(pre), saved unfolded.
 * </ul>
 */
public final class SaeLensFormat {
    public static final String CONFIG_FILE = "cfg.json";
    public static final String WEIGHTS_FILE = "sae_weights.safetensors";
    /**
     * The format version saelab writes into {@code metadata.sae_lens_version}: the first release
     * of the 6.x format, so SAELens treats the folder as current and does not convert it.
     */
    public static final String FORMAT_VERSION = "6.0.0";

    private SaeLensFormat() {}
}
