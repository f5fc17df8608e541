package org.saelab.runner.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.RunResult;
import org.saelab.api.Sae;
import org.saelab.api.io.Npy;
import org.saelab.runner.saelens.SaeLensWriter;

/**
 * What every run writes beside result.json, so that Python users can work with it:
 * <ul>
 *   <li>{@code sae/}: the trained SAE in SAELens's inference format (when the architecture has one);
 *   <li>{@code eval_inputs.npy}: the evaluation batch x, float32 [samples, d_in] (the default
 *       100,000 × 50 batch is 20 MB);
 *   <li>{@code eval_features.npy}: the true feature activations of that batch, float32
 *       [samples, numFeatures], when the data have them;
 *   <li>{@code true_directions.npy}: the true directions, float32 [numFeatures, d_in], when known.
 * </ul>
 */
public final class RunArtifacts {
    public static final String SAE_FOLDER = "sae";
    public static final String EVAL_INPUTS = "eval_inputs.npy";
    public static final String EVAL_FEATURES = "eval_features.npy";
    public static final String TRUE_DIRECTIONS = "true_directions.npy";

    private RunArtifacts() {}

    public static List<RunArtifact> of(Sae sae, EvaluationContext evaluation, RunResult result) {
        List<RunArtifact> out = new ArrayList<>();
        sae.saeLensForm().ifPresent(form -> {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("saelab_version", ProvenanceInfo.projectVersion());
            extra.put("saelab_experiment", result.experiment());
            extra.put("saelab_run", result.run());
            out.add(dir -> SaeLensWriter.write(dir.resolve(SAE_FOLDER), sae, form, extra));
        });
        int samples = evaluation.samples();
        out.add(dir -> AtomicFiles.write(dir.resolve(EVAL_INPUTS),
                Npy.encode(evaluation.inputs(), samples, evaluation.inputDim())));
        if (evaluation.groundTruth().covers(GroundTruth.FULL)) {
            out.add(dir -> AtomicFiles.write(dir.resolve(EVAL_FEATURES),
                    Npy.encode(evaluation.features(), samples, evaluation.numFeatures())));
        }
        if (evaluation.groundTruth().covers(GroundTruth.DIRECTIONS)) {
            out.add(dir -> AtomicFiles.write(dir.resolve(TRUE_DIRECTIONS),
                    Npy.encode(evaluation.directions(), evaluation.numFeatures(), evaluation.inputDim())));
        }
        return List.copyOf(out);
    }
}
