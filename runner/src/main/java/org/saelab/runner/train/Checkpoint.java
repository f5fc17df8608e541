package org.saelab.runner.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.io.Safetensors;
import org.saelab.api.io.SafetensorsException;
import org.saelab.runner.output.AtomicFiles;

/**
 * Everything a run needs to continue exactly where it stopped: the step, the parameters, Adam's
 * moments and step count, the dead-latent counters, the running inference threshold, the loss of
 * every step so far and the snapshots so far. The data stream needs no state of its own: it is
 * seeded, so resuming regenerates and skips the batches already trained on. Stored as a
 * safetensors file, written atomically; {@code configHash} ties it to one run's config.
 */
public record Checkpoint(String configHash, long step, float[] parameters, float[] moments, int adamIteration,
        long[] stepsSinceFired, double threshold, float[] losses, List<Snapshot> snapshots) {

    public void write(Path file) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("parameters", Safetensors.Tensor.f32(parameters, parameters.length));
        tensors.put("adam_moments", Safetensors.Tensor.f32(moments, moments.length));
        tensors.put("steps_since_fired", new Safetensors.Tensor("I64", new long[] {stepsSinceFired.length},
                longs(stepsSinceFired)));
        if (losses.length > 0) {
            tensors.put("losses", Safetensors.Tensor.f32(losses, losses.length));
        }
        if (!snapshots.isEmpty()) {
            int rows = snapshots.get(0).decoderCos().length;
            int columns = snapshots.get(0).decoderCos()[0].length;
            double[] flat = new double[snapshots.size() * (2 + rows * columns)];
            int i = 0;
            for (Snapshot snapshot : snapshots) {
                flat[i++] = snapshot.step();
                flat[i++] = snapshot.k();
                for (double[] row : snapshot.decoderCos()) {
                    System.arraycopy(row, 0, flat, i, columns);
                    i += columns;
                }
            }
            tensors.put("snapshots", new Safetensors.Tensor("F64", new long[] {snapshots.size(), 2 + rows * columns},
                    doubles(flat)));
            tensors.put("snapshot_shape", new Safetensors.Tensor("I64", new long[] {2}, longs(new long[] {rows, columns})));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "saelab-checkpoint-1");
        metadata.put("config_hash", configHash);
        metadata.put("step", Long.toString(step));
        metadata.put("adam_iteration", Integer.toString(adamIteration));
        metadata.put("threshold", Double.toString(threshold));
        AtomicFiles.write(file, Safetensors.encode(tensors, metadata));
    }

    /** Reads a checkpoint; a file that is not a complete saelab checkpoint is an error naming it. */
    public static Checkpoint read(Path file) {
        Safetensors.Contents contents;
        try {
            contents = Safetensors.read(file);
        } catch (SafetensorsException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> meta = contents.metadata();
        if (!"saelab-checkpoint-1".equals(meta.get("format"))) {
            throw new IllegalArgumentException("checkpoint " + file + ": not a saelab checkpoint (format = "
                    + meta.get("format") + ")");
        }
        try {
            Map<String, Safetensors.Tensor> t = contents.tensors();
            long step = Long.parseLong(meta.get("step"));
            float[] losses = t.containsKey("losses") ? t.get("losses").floats() : new float[0];
            if (losses.length != step) {
                throw new IllegalArgumentException("holds " + losses.length + " losses for step " + step);
            }
            List<Snapshot> snapshots = new java.util.ArrayList<>();
            if (t.containsKey("snapshots")) {
                long[] shape = toLongs(t.get("snapshot_shape").bytes());
                int rows = (int) shape[0];
                int columns = (int) shape[1];
                double[] flat = toDoubles(t.get("snapshots").bytes());
                int stride = 2 + rows * columns;
                for (int s = 0; s < flat.length / stride; s++) {
                    double[][] cos = new double[rows][columns];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(flat, s * stride + 2 + r * columns, cos[r], 0, columns);
                    }
                    snapshots.add(new Snapshot((long) flat[s * stride], flat[s * stride + 1], cos));
                }
            }
            return new Checkpoint(require(meta, "config_hash"), step, require(t, "parameters").floats(),
                    require(t, "adam_moments").floats(), Integer.parseInt(meta.get("adam_iteration")),
                    toLongs(require(t, "steps_since_fired").bytes()), Double.parseDouble(meta.get("threshold")), losses,
                    snapshots);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static <V> V require(Map<String, V> map, String key) {
        V value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value;
    }

    private static byte[] longs(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    private static byte[] doubles(double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return buffer.array();
    }

    private static long[] toLongs(byte[] bytes) {
        long[] out = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    private static double[] toDoubles(byte[] bytes) {
        double[] out = new double[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }
}
