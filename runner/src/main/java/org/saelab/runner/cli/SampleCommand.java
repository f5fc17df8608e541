package org.saelab.runner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.ConfigException;
import org.saelab.api.GroundTruth;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerConfig;
import org.saelab.api.SeedStreams;
import org.saelab.api.io.Npy;
import org.saelab.runner.output.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sample", description = "Write a sampler's data to .npy: the inputs [N, d_in] and the true directions beside them.")
final class SampleCommand implements Runnable {
    private static final int CHUNK = 65_536;

    @Parameters(index = "0", paramLabel = "SAMPLER", description = "sampler name (see: saelab list)")
    String samplerName;

    @Option(names = "--samples", required = true, paramLabel = "N", description = "rows to write")
    long samples;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the inputs' .npy file")
    Path out;

    @Option(names = "--directions", paramLabel = "FILE", description = "the true directions' .npy file (default: FILE with .directions.npy)")
    Path directionsOut;

    @Option(names = "--seed", paramLabel = "N", description = "master seed; the rows are the training data of a run with this seed (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override a sampler field, e.g. sampler.p0=0.3")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--plugin-path", description = "extra folders of plugin jars")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ConfigException.check(samples > 0, "--samples", samples, "must be > 0");
        ConfigException.check(out.getFileName().toString().endsWith(".npy"), "--out", out, "must end with .npy");
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        SamplerConfig config = EvalCommand.samplerConfig(session, samplerName, assignments);
        SeedStreams seeds = new SeedStreams(seed);
        Sampler sampler = EvalCommand.build(session, samplerName, config, seeds);
        int dIn = sampler.inputDim();
        Path target = out.toAbsolutePath();
        Path directionsTarget = directionsOut != null ? directionsOut.toAbsolutePath()
                : target.resolveSibling(target.getFileName().toString().replaceFirst("\\.npy$", ".directions.npy"));
        try {
            Files.createDirectories(target.getParent());
            writeRows(sampler.stream(seeds.seed("data.training")), dIn, sampler.numFeatures(), target);
            if (sampler.groundTruth().covers(GroundTruth.DIRECTIONS)) {
                Files.createDirectories(directionsTarget.getParent());
                AtomicFiles.write(directionsTarget, Npy.encode(sampler.directionsData(), sampler.numFeatures(), dIn));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%s: %,d samples of %s (seed %d), float32 [%d, %d]%n", target, samples, samplerName, seed, samples, dIn);
        if (sampler.groundTruth().covers(GroundTruth.DIRECTIONS)) {
            stdout.printf("%s: true directions [%d, %d]%n", directionsTarget, sampler.numFeatures(), dIn);
        }
        stdout.flush();
    }

    /** Streams the rows to a hidden partial file beside the target, then renames it. */
    private void writeRows(BatchStream stream, int dIn, int numFeatures, Path target) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Batch batch = null;
        ByteBuffer bytes = null;
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.wrap(Npy.header(samples, dIn));
            while (header.hasRemaining()) {
                channel.write(header);
            }
            for (long written = 0; written < samples; ) {
                int rows = (int) Math.min(CHUNK, samples - written);
                if (batch == null || batch.size() != rows) {
                    batch = new Batch(rows, dIn, numFeatures);
                    bytes = ByteBuffer.allocateDirect(rows * dIn * 4).order(ByteOrder.LITTLE_ENDIAN);
                }
                stream.next(batch);
                bytes.clear();
                bytes.asFloatBuffer().put(batch.inputs, 0, rows * dIn);
                bytes.limit(rows * dIn * 4);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                written += rows;
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
