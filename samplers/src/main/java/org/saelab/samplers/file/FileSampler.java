package org.saelab.samplers.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.ConfigException;
import org.saelab.api.GroundTruth;
import org.saelab.api.Sampler;
import org.saelab.api.io.Npy;
import org.saelab.api.io.Safetensors;

/**
 * Rows of activations read from disk in file order (the files of {@code paths} one after the
 * other), a batch at a time into one reusable buffer; nothing else is held in memory. Training
 * reads rows [0, N − heldOut) and starts over at row 0 after the last (one pass is one epoch);
 * the evaluation batch is read from the last {@code heldOut} rows (from row 0 when heldOut is 0).
 * The order is the files' own: shuffle the rows before writing them if they are ordered. The
 * seed does not change what is read.
 */
public final class FileSampler implements Sampler {
    /** One file's rows: where its float32 values start. */
    private record Source(Path file, long dataOffset, long rows) {}

    private final List<Source> sources;
    private final int inputDim;
    private final long rows;
    private final long heldOut;
    private final float[] directions;
    private final int numFeatures;

    FileSampler(FileSamplerConfig config) {
        List<Source> found = new ArrayList<>();
        int dIn = -1;
        long total = 0;
        for (String name : config.files()) {
            Path file = Path.of(name);
            long[] shape;
            long offset;
            if (name.endsWith(".safetensors")) {
                Map<String, Safetensors.Location> index = Safetensors.index(file);
                Safetensors.Location at = pick(index, config.tensor(), name);
                if (!at.dtype().equals("F32")) {
                    throw new ConfigException("sampler.path = " + name + ": tensor dtype " + at.dtype() + ": only F32 is supported");
                }
                shape = at.shape();
                offset = at.begin();
            } else {
                Npy.Header header = Npy.header(file);
                shape = header.shape();
                offset = header.dataOffset();
            }
            if (shape.length != 2 || shape[1] < 1 || shape[1] > Integer.MAX_VALUE / 4) {
                throw new ConfigException("sampler.path = " + name + ": shape " + java.util.Arrays.toString(shape)
                        + ": expected [N, d_in] with d_in >= 1");
            }
            if (dIn >= 0 && shape[1] != dIn) {
                throw new ConfigException("sampler.paths: " + name + " has d_in " + shape[1] + " but " + found.get(0).file()
                        + " has " + dIn);
            }
            dIn = (int) shape[1];
            found.add(new Source(file, offset, shape[0]));
            total += shape[0];
        }
        this.sources = List.copyOf(found);
        this.inputDim = dIn;
        this.rows = total;
        this.heldOut = config.heldOut();
        ConfigException.check(heldOut < rows, "sampler.heldOut", heldOut,
                "must be < the rows of the data (" + rows + "); 0 evaluates on the training rows");
        if (config.directions().isEmpty()) {
            this.directions = null;
            this.numFeatures = 0;
        } else {
            Path file = Path.of(config.directions());
            Npy.Header header = Npy.header(file);
            if (header.rank() != 2 || header.shape()[1] != inputDim || header.shape()[0] < 1) {
                throw new ConfigException("sampler.directions = " + config.directions() + ": shape " + header.shapeText()
                        + ": expected (numFeatures, " + inputDim + ")");
            }
            this.directions = Npy.readFloats(file, header);
            this.numFeatures = (int) header.shape()[0];
        }
    }

    private static Safetensors.Location pick(Map<String, Safetensors.Location> index, String tensor, String name) {
        if (!tensor.isEmpty()) {
            Safetensors.Location at = index.get(tensor);
            if (at == null) {
                throw new ConfigException("sampler.tensor = " + tensor + ": not in " + name + "; it holds: "
                        + String.join(", ", index.keySet()));
            }
            return at;
        }
        if (index.size() != 1) {
            throw new ConfigException("sampler.tensor: " + name + " holds " + index.size() + " tensors ("
                    + String.join(", ", index.keySet()) + "); name the one to read");
        }
        return index.values().iterator().next();
    }

    @Override
    public int numFeatures() {
        return numFeatures;
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    /** The rows of data across all files. */
    public long rows() {
        return rows;
    }

    @Override
    public float[] directionsData() {
        if (directions == null) {
            throw new IllegalStateException("file data without sampler.directions have no true directions");
        }
        return directions;
    }

    @Override
    public GroundTruth groundTruth() {
        return directions == null ? GroundTruth.NONE : GroundTruth.DIRECTIONS;
    }

    @Override
    public OptionalDouble expectedL0() {
        return OptionalDouble.empty();
    }

    @Override
    public BatchStream stream(long seed) {
        return new RowStream(0, rows - heldOut);
    }

    @Override
    public BatchStream evaluationStream(long seed) {
        return heldOut == 0 ? new RowStream(0, rows) : new RowStream(rows - heldOut, rows);
    }

    /** Reads rows [from, to) over and over, in order. */
    private final class RowStream implements BatchStream {
        private final long from;
        private final long to;
        private long next;
        private ByteBuffer buffer;

        RowStream(long from, long to) {
            this.from = from;
            this.to = to;
            this.next = from;
        }

        @Override
        public void next(Batch batch) {
            int needed = batch.size();
            int filled = 0;
            int rowBytes = inputDim * 4;
            if (buffer == null || buffer.capacity() < needed * rowBytes) {
                buffer = ByteBuffer.allocateDirect(needed * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            while (filled < needed) {
                // the file holding row `next`, and how many rows can be read from it in one go
                long start = 0;
                Source source = null;
                for (Source s : sources) {
                    if (next < start + s.rows()) {
                        source = s;
                        break;
                    }
                    start += s.rows();
                }
                long inFile = next - start;
                int count = (int) Math.min(needed - filled, Math.min(source.rows() - inFile, to - next));
                buffer.clear().limit(count * rowBytes);
                try (FileChannel channel = FileChannel.open(source.file())) {
                    long position = source.dataOffset() + inFile * rowBytes;
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer, position + buffer.position()) < 0) {
                            throw new IOException("file ended early (was it changed while training?)");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + source.file() + ": " + e.getMessage(), e);
                }
                buffer.flip();
                buffer.asFloatBuffer().get(batch.inputs, filled * inputDim, count * inputDim);
                filled += count;
                next += count;
                if (next == to) {
                    next = from;
                }
            }
        }
    }
}
