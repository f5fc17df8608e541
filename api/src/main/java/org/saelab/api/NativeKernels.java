package org.saelab.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The batch kernels of {@link Kernels} in C (src/main/c/saelab_kernels.c), for x86-64 Linux CPUs
 * with AVX2 and FMA. They compute every output with the same float operations in the same order
 * as {@link SimdKernels} with 8-float vectors, so they give its floats bit for bit; they are
 * compiled ahead of time, so a run does not wait for the JIT to compile its kernels, and they read
 * and write rows only to their ends.
 *
 * <p>The build compiles the library with gcc into the api jar (the {@code native} profile, on by
 * default on x86-64 Linux; {@code -Dsaelab.native.skip=true} builds without it). It is loaded
 * when this class is first used; {@link #AVAILABLE} says whether that worked and
 * {@link #status()} why not. {@code -Dsaelab.native=false} does not load it.
 *
 * <p>Each method checks its array lengths before the call, and the native code checks the
 * indices it follows, so a wrong argument throws instead of reading outside an array.
 */
final class NativeKernels {
    private NativeKernels() {}

    private static final String RESOURCE = "native/linux-x86_64/libsaelab_kernels.so";

    private static String status = "not loaded";

    /** Whether the library is loaded and the CPU runs it (and the SIMD layout has 8-float vectors). */
    static final boolean AVAILABLE = load();

    /** Why the library is or is not in use, for {@code bench} and error messages. */
    static String status() {
        return status;
    }

    private static boolean load() {
        if ("false".equals(System.getProperty("saelab.native"))) {
            status = "off (-Dsaelab.native=false)";
            return false;
        }
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            status = "not built for " + os + "/" + arch;
            return false;
        }
        if (!Kernels.VECTORISED || SimdKernels.lanes() != 8) {
            status = "off: needs the SIMD kernels with 8-float vectors (lanes " + Kernels.lanes() + ")";
            return false;
        }
        URL url = NativeKernels.class.getResource(RESOURCE);
        if (url == null) {
            status = "not in the build (built with -Dsaelab.native.skip=true, or without gcc)";
            return false;
        }
        try {
            System.load(localPath(url).toString());
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError e) {
            status = "failed to load: " + e.getMessage();
            return false;
        }
        if (!cpuSupported()) {
            status = "off: the CPU lacks AVX2 or FMA";
            return false;
        }
        status = "in use (AVX2 + FMA)";
        return true;
    }

    /** The library as a file: in place when the classes are a directory, else a temporary copy. */
    private static Path localPath(URL url) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) {
            return Path.of(url.toURI());
        }
        Path copy = Files.createTempFile("saelab_kernels", ".so");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private static int vectorsOf(int n) {
        return (n + 7) / 8 * 8;
    }

    private static void need(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("native kernel: " + what);
        }
    }

    private static void status(int code, String kernel) {
        if (code < 0) {
            throw new IllegalArgumentException("native kernel " + kernel + ": an entry's row or latent is out of range");
        }
    }

    static void subtractRow(float[] x, int rows, int dim, float[] bias, int biasFrom, float[] out) {
        long n = (long) rows * dim;
        need(rows >= 0 && dim >= 0 && x.length >= n && out.length >= n && biasFrom >= 0
                && bias.length >= (long) biasFrom + dim, "subtractRow array lengths");
        subtractRow0(x, rows, dim, bias, biasFrom, out);
    }

    static void addColumnSums(float[] x, int rows, int dim, float[] acc, int accFrom) {
        need(rows >= 0 && dim >= 0 && x.length >= (long) rows * dim && accFrom >= 0
                && acc.length >= (long) accFrom + dim, "addColumnSums array lengths");
        addColumnSums0(x, rows, dim, acc, accFrom);
    }

    static void affineRows(float[] c, int rows, int dim, float[] w, int paddedWidth, float[] bias, float[] norms,
            int width, float[] raw, float[] scaled) {
        int vectors = vectorsOf(width);
        need(rows >= 0 && dim >= 0 && width > 0 && paddedWidth >= vectors && c.length >= (long) rows * dim
                && w.length >= (long) (dim - 1) * paddedWidth + vectors && bias.length >= vectors
                && norms.length >= vectors && raw.length >= (long) rows * width && scaled.length >= (long) rows * width,
                "affineRows array lengths");
        affineRows0(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled, null, null, 0);
    }

    /**
     * {@link #subtractRow} of x into c, then {@link #affineRows} of c, in one pass: each group of
     * rows is centered just before the product reads it.
     */
    static void centerAffineRows(float[] x, float[] center, int centerFrom, float[] c, int rows, int dim, float[] w,
            int paddedWidth, float[] bias, float[] norms, int width, float[] raw, float[] scaled) {
        int vectors = vectorsOf(width);
        need(rows >= 0 && dim > 0 && width > 0 && paddedWidth >= vectors && c.length >= (long) rows * dim
                && x.length >= (long) rows * dim && x != c && centerFrom >= 0
                && center.length >= (long) centerFrom + dim
                && w.length >= (long) (dim - 1) * paddedWidth + vectors && bias.length >= vectors
                && norms.length >= vectors && raw.length >= (long) rows * width && scaled.length >= (long) rows * width,
                "centerAffineRows array lengths");
        affineRows0(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled, x, center, centerFrom);
    }

    static void decodeSortedRows(int[] rowOf, int[] latents, float[] scales, int count, float[] w, int paddedDim,
            float[] bias, int rows, int dim, float[] out) {
        need(count >= 0 && rows >= 0 && dim > 0 && paddedDim >= vectorsOf(dim) && rowOf.length >= count
                && latents.length >= count && scales.length >= count && bias.length >= vectorsOf(dim)
                && out.length >= (long) rows * dim, "decodeSortedRows array lengths");
        status(decodeSortedRows0(rowOf, latents, scales, count, w, paddedDim, bias, rows, dim, out), "decodeSortedRows");
    }

    static void scatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] acc, int paddedDim) {
        checkScatter(starts, latents, src, dim, srcEnd, null, acc, paddedDim);
        status(scatterByLatent0(starts, latents, rows, scales, src, dim, srcEnd / dim, null, acc, paddedDim, null),
                "scatterByLatent");
    }

    static void dotAndScatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] w, float[] acc, int paddedDim, float[] dots) {
        checkScatter(starts, latents, src, dim, srcEnd, w, acc, paddedDim);
        status(scatterByLatent0(starts, latents, rows, scales, src, dim, srcEnd / dim, w, acc, paddedDim, dots),
                "dotAndScatterByLatent");
    }

    private static void checkScatter(int[] starts, int latents, float[] src, int dim, int srcEnd, float[] w,
            float[] acc, int paddedDim) {
        long accFloats = (long) latents * paddedDim;
        need(latents >= 0 && dim > 0 && paddedDim >= vectorsOf(dim) && starts.length > latents && srcEnd >= 0
                && srcEnd <= src.length && acc.length >= accFloats && (w == null || w.length >= accFloats),
                "scatterByLatent array lengths");
    }

    static double scaledDifference(float[] a, float[] b, int n, float scale, float[] grad) {
        need(n >= 0 && a.length >= n && b.length >= n && grad.length >= n, "scaledDifference array lengths");
        return scaledDifference0(a, b, n, scale, grad);
    }

    /**
     * TopK's banded pass (the contract of its Java version): appends every entry of
     * {@code pre[0, n)} whose float bits are {@code >= lo} to {@code out} (value and flat index,
     * in {@link SparseCode#latents}) and copies the values among them whose bits are {@code <= hi}
     * into {@code scratch}. Returns (count above hi << 32) | copied, or -1 (out's count
     * unchanged) when {@code out} or {@code scratch} may lack room.
     */
    static long gatherBand(float[] pre, int n, int lo, int hi, float[] scratch, SparseCode out) {
        int start = out.count();
        need(n >= 0 && pre.length >= n && lo > 0 && start >= 0, "gatherBand arguments");
        long result = gatherBand0(pre, n, lo, hi, scratch, out.latents, out.values, start);
        if (result >= 0) {
            out.setCount(start + (int) (result >>> 32) + (int) result);
        }
        return result;
    }

    /**
     * Keeps the entries of {@code out} from {@code start} on whose value is {@code >= cut} (a
     * positive cut), splitting their flat indices into rows and latents of {@code width}.
     */
    static void keepAtLeast(SparseCode out, int start, float cut, int width) {
        int end = out.count();
        need(start >= 0 && start <= end && end <= out.rows.length && end <= out.latents.length
                && end <= out.values.length && width > 0 && cut > 0f, "keepAtLeast arguments");
        out.setCount(keepAtLeast0(out.rows, out.latents, out.values, start, end, cut, width));
    }

    /**
     * LinearSae's sparse decoder backward pass in one call (see there): the code's entries with
     * latent below {@code limit}, grouped by latent into the sorted arrays; the decoder rows'
     * gradients (summed in {@code acc}, rows of paddedDim) added into {@code g} from
     * {@code wDecOffset}; dot / norm added into gradPre; and, with {@code rescale}, the decoder
     * norms' gradients. Returns the entries kept, or -1, having changed nothing, when the code's
     * rows are not ascending in [0, batch) or a latent is outside [0, width).
     */
    static int backwardDecode(SparseCode code, int limit, int batch, float[] norms, float[] gradOut, int dim,
            float[] w, int paddedDim, int width, float[] g, int wDecOffset, float[] gradPre, float[] gradNorms,
            boolean rescale, int[] starts, int[] next, int[] sortedRows, float[] sortedValues, float[] sortedScales,
            float[] sortedDots, float[] acc) {
        int count = code.count();
        long accFloats = (long) width * paddedDim;
        need(count <= code.rows.length && count <= code.latents.length && count <= code.values.length && batch >= 0
                && dim > 0 && width > 0 && paddedDim >= vectorsOf(dim) && norms.length >= width
                && gradOut.length >= (long) batch * dim && w.length >= accFloats && acc.length >= accFloats
                && wDecOffset >= 0 && g.length >= wDecOffset + (long) width * dim
                && gradPre.length >= (long) batch * width && gradNorms.length >= width && starts.length > width
                && next.length >= width && sortedRows.length >= count && sortedValues.length >= count
                && sortedScales.length >= count && sortedDots.length >= count, "backwardDecode array lengths");
        return backwardDecode0(code.rows, code.latents, code.values, count, limit, batch, norms, gradOut, dim, w,
                paddedDim, width, g, wDecOffset, gradPre, gradNorms, rescale, starts, next, sortedRows, sortedValues,
                sortedScales, sortedDots, acc);
    }

    private static native int backwardDecode0(int[] codeRows, int[] codeLatents, float[] codeValues, int count,
            int limit, int batch, float[] norms, float[] gradOut, int dim, float[] w, int paddedDim, int width,
            float[] g, int wDecOffset, float[] gradPre, float[] gradNorms, boolean rescale, int[] starts, int[] next,
            int[] sortedRows, float[] sortedValues, float[] sortedScales, float[] sortedDots, float[] acc);

    /**
     * LinearSae's sparse W_enc gradient for widths up to 64 in one call (see its
     * backwardEncodeByLatent): the nonzero entries of gradPre grouped by latent, the column sums
     * added into columnGrad, with {@code rescale} the norm gradients, and the sums of centered
     * rows (in {@code acc}, rows of paddedDim) added into W_enc's gradient in {@code g}. Returns the
     * entries.
     */
    static int backwardEncode(float[] gradPre, float[] preRaw, int batch, int width, float[] norms,
            float[] gradNorms, boolean rescale, float[] columnGrad, float[] centered, int dim, int paddedDim,
            float[] g, int wEncOffset, int[] starts, int[] sortedRows, float[] sortedScales, float[] acc) {
        long entries = (long) batch * width;
        need(batch >= 0 && width > 0 && width <= 64 && dim > 0 && paddedDim >= vectorsOf(dim)
                && gradPre.length >= entries && preRaw.length >= entries && norms.length >= width
                && gradNorms.length >= width && columnGrad.length >= width && centered.length >= (long) batch * dim
                && wEncOffset >= 0 && g.length >= wEncOffset + (long) dim * width && starts.length > width
                && sortedRows.length >= entries && sortedScales.length >= entries
                && acc.length >= (long) width * paddedDim, "backwardEncode array lengths");
        return backwardEncode0(gradPre, preRaw, batch, width, norms, gradNorms, rescale, columnGrad, centered, dim,
                paddedDim, g, wEncOffset, starts, sortedRows, sortedScales, acc);
    }

    private static native int backwardEncode0(float[] gradPre, float[] preRaw, int batch, int width, float[] norms,
            float[] gradNorms, boolean rescale, float[] columnGrad, float[] centered, int dim, int paddedDim,
            float[] g, int wEncOffset, int[] starts, int[] sortedRows, float[] sortedScales, float[] acc);

    /**
     * LinearSae's decode of a code in one call (its gatherEntries, then {@link #decodeSortedRows}
     * with the w rows of the first {@code width} latents): the entries with latent below
     * {@code limit}, value / norm, go to the entry arrays. Returns their number, or -1, having
     * decoded nothing, when the code's rows are not ascending in [0, batch) or a latent is outside
     * [0, width).
     */
    static int decodeCode(SparseCode code, int limit, int batch, int width, float[] norms, float[] w, int paddedDim,
            float[] bias, int dim, float[] out, int[] entryRows, int[] entryLatents, float[] entryScales,
            float[] scratch) {
        int count = code.count();
        need(count <= code.rows.length && count <= code.latents.length && count <= code.values.length && batch >= 0
                && width > 0 && dim > 0 && paddedDim >= vectorsOf(dim) && norms.length >= width
                && w.length >= (long) width * paddedDim && bias.length >= vectorsOf(dim)
                && out.length >= (long) batch * dim && entryRows.length >= count && entryLatents.length >= count
                && entryScales.length >= count && scratch.length >= count, "decodeCode array lengths");
        return decodeCode0(code.rows, code.latents, code.values, count, limit, batch, width, norms, w, paddedDim, bias,
                dim, out, entryRows, entryLatents, entryScales, scratch);
    }

    private static native int decodeCode0(int[] codeRows, int[] codeLatents, float[] codeValues, int count, int limit,
            int batch, int width, float[] norms, float[] w, int paddedDim, float[] bias, int dim, float[] out,
            int[] entryRows, int[] entryLatents, float[] entryScales, float[] scratch);

    /**
     * The MSE term's pass over a code row by row, for rows of at most 64 floats: each row's
     * reconstruction (decoded into {@code recon} as {@link #decodeCode} does, or read from it when
     * {@code decoded}), dLoss/dx̂ = scale · (x̂ − x) with the squares' sum (as
     * {@link #scaledDifference}), its column sums into b_dec's gradient and the decoder backward
     * pass (as {@link #backwardDecode}); with {@code enc} (widths up to 64) also the sparse
     * encoder pass of {@link #backwardEncode} on x − bias, its column sums into columnGrad. The
     * same floats as those calls one after another. {@code results} receives the sum of squares
     * and the encoder's entries. Returns the entries kept, or -1, having changed nothing, when the
     * code's rows are not ascending in [0, batch), a latent is outside [0, width), or with
     * {@code enc} a row holds a latent twice.
     */
    static int mseRows(SparseCode code, int limit, int batch, int width, float[] norms, float[] w, int paddedDim,
            float[] bias, float[] x, int dim, float scale, float[] recon, boolean decoded, float[] g, int bDecOffset,
            int wDecOffset, float[] gradPre, float[] gradNorms, boolean rescale, float[] acc, float[] scales,
            boolean enc, float[] preRaw, float[] columnGrad, int wEncOffset, float[] accEnc, float[] encTerms,
            int[] encLatents, double[] results) {
        int count = code.count();
        long accFloats = (long) width * paddedDim;
        long inputs = (long) batch * dim;
        long activations = (long) batch * width;
        need(count <= code.rows.length && count <= code.latents.length && count <= code.values.length && batch >= 0
                && dim > 0 && dim <= 64 && width > 0 && width <= 1024 && (!enc || width <= 64)
                && paddedDim >= vectorsOf(dim) && norms.length >= width && w.length >= accFloats
                && bias.length >= vectorsOf(dim) && x.length >= inputs && (recon == null ? !decoded : recon.length >= inputs)
                && recon != x && bDecOffset >= 0 && g.length >= bDecOffset + (long) dim && wDecOffset >= 0
                && g.length >= wDecOffset + (long) width * dim && gradPre.length >= activations
                && gradNorms.length >= width && acc.length >= accFloats && scales.length >= count
                && results.length >= 2
                && (!enc || preRaw.length >= activations && columnGrad.length >= width && wEncOffset >= 0
                        && g.length >= wEncOffset + (long) dim * width && accEnc.length >= accFloats
                        && encTerms.length >= count && encLatents.length >= count), "mseRows array lengths");
        return mseRows0(code.rows, code.latents, code.values, count, limit, batch, width, norms, w, paddedDim, bias, x,
                dim, scale, recon, decoded, g, bDecOffset, wDecOffset, gradPre, gradNorms, rescale, acc, scales, enc,
                enc ? preRaw : null, enc ? columnGrad : null, wEncOffset, enc ? accEnc : null, enc ? encTerms : null,
                enc ? encLatents : null, results);
    }

    private static native int mseRows0(int[] codeRows, int[] codeLatents, float[] codeValues, int count, int limit,
            int batch, int width, float[] norms, float[] w, int paddedDim, float[] bias, float[] x, int dim, float scale,
            float[] recon, boolean decoded, float[] g, int bDecOffset, int wDecOffset, float[] gradPre,
            float[] gradNorms, boolean rescale, float[] acc, float[] scales, boolean enc, float[] preRaw,
            float[] columnGrad, int wEncOffset, float[] accEnc, float[] encTerms, int[] encLatents, double[] results);

    private static native boolean cpuSupported();

    private static native long gatherBand0(float[] pre, int n, int lo, int hi, float[] scratch, int[] latents,
            float[] values, int start);

    private static native int keepAtLeast0(int[] rows, int[] latents, float[] values, int start, int end, float cut,
            int width);

    private static native void subtractRow0(float[] x, int rows, int dim, float[] bias, int biasFrom, float[] out);

    private static native void addColumnSums0(float[] x, int rows, int dim, float[] acc, int accFrom);

    private static native void affineRows0(float[] c, int rows, int dim, float[] w, int paddedWidth, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, float[] x, float[] center, int centerFrom);

    private static native int decodeSortedRows0(int[] rowOf, int[] latents, float[] scales, int count, float[] w,
            int paddedDim, float[] bias, int rows, int dim, float[] out);

    private static native int scatterByLatent0(int[] starts, int latents, int[] rows, float[] scales, float[] src,
            int dim, int srcRows, float[] w, float[] acc, int paddedDim, float[] dots);

    private static native double scaledDifference0(float[] a, float[] b, int n, float scale, float[] grad);
}
