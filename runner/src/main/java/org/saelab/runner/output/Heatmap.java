package org.saelab.runner.output;

import static java.util.Objects.requireNonNull;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * PNG charts of cosine similarities for run reports. Everything is drawn into an off-screen
 * {@link BufferedImage}, which needs no display and no AWT toolkit, so it works under
 * {@code -Djava.awt.headless=true} on a server.
 */
public final class Heatmap {
    // ColorBrewer RdBu end colours: pure #0000FF / #FF0000 are harsh and make dark text unreadable.
    private static final int NEGATIVE_RGB = 0x2166AC;
    private static final int ZERO_RGB = 0xFFFFFF;
    private static final int POSITIVE_RGB = 0xB2182B;
    /** Grey lies off the blue–white–red scale, so a missing value cannot pass for a cosine. */
    static final int NAN_RGB = 0x999999;

    private static final Color TEXT = new Color(0x222222);
    private static final Color FRAME = new Color(0x555555);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    private static final String MINUS_ONE = "\u22121";
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** 24 px cells keep a 20 × 20 matrix readable at a glance. */
    private static final int MAX_CELL = 24;
    // Budgets keep typical images 600–900 px wide; a very tall matrix still gets 1 px per row
    // rather than losing rows, because every latent must stay visible.
    private static final int PLOT_WIDTH_BUDGET = 640;
    private static final int PLOT_HEIGHT_BUDGET = 720;
    private static final int MIN_IMAGE_WIDTH = 600;
    private static final int MARGIN = 12;
    private static final int TICK = 3;
    private static final int COLOUR_BAR_WIDTH = 16;
    private static final int COLOUR_BAR_GAP = 24;
    private static final int MIN_COLOUR_BAR_HEIGHT = 160;
    private static final int MAX_COLOUR_BAR_HEIGHT = 400;
    private static final int BAR_PLOT_HEIGHT = 320;
    /** Beyond this many bars one pixel column stands for several latents. */
    private static final int MAX_BAR_PLOT_WIDTH = 800;

    private Heatmap() {}

    /**
     * Renders {@code values[latent][feature]}, clamped to [−1, 1], as a PNG heatmap. Row {@code r}
     * of the picture shows latent {@code rowOrder[r]}, labelled {@code rowNames[rowOrder[r]]};
     * columns are labelled by their index.
     */
    public static byte[] png(
            double[][] values,
            String title,
            String rowLabel,
            String columnLabel,
            int[] rowOrder,
            String[] rowNames) {
        return encode(image(values, title, rowLabel, columnLabel, rowOrder, rowNames));
    }

    /** The picture {@link #png} encodes, for callers that compose images (e.g. animation frames). */
    public static BufferedImage image(
            double[][] values,
            String title,
            String rowLabel,
            String columnLabel,
            int[] rowOrder,
            String[] rowNames) {
        requireNonNull(title, "title is null");
        requireNonNull(rowLabel, "rowLabel is null");
        requireNonNull(columnLabel, "columnLabel is null");
        int columns = checkRectangular(values);
        checkPermutation(rowOrder, values.length);
        requireNonNull(rowNames, "rowNames is null");
        if (rowNames.length != values.length) {
            throw new IllegalArgumentException(
                    "rowNames has " + rowNames.length + " names for " + values.length + " rows");
        }
        String[] shownNames = new String[values.length];
        for (int r = 0; r < values.length; r++) {
            shownNames[r] = requireNonNull(rowNames[rowOrder[r]], "rowNames[" + rowOrder[r] + "] is null");
        }
        boolean hasNaN = Arrays.stream(values).flatMapToDouble(Arrays::stream).anyMatch(Double::isNaN);
        Geometry geometry = geometry(values.length, columns, title, rowLabel, columnLabel, shownNames, hasNaN);

        BufferedImage image = new BufferedImage(geometry.width(), geometry.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            configure(g);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, geometry.width(), geometry.height());
            drawCells(image, geometry, values, rowOrder);
            drawHeatmapFrame(g, geometry, title, rowLabel, columnLabel, shownNames);
            drawColourBar(image, g, geometry, hasNaN);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The row order that puts each latent under its best-matching feature: latents sorted by the
     * feature with the largest signed cosine, then by that cosine descending (the best of several
     * latents on one feature comes first), then by index. Latents whose cosines are all NaN go last.
     * A perfect SAE, in any latent permutation, then draws as the identity diagonal.
     */
    public static int[] orderByBestMatch(double[][] cos) {
        requireNonNull(cos, "cos is null");
        int[] best = new int[cos.length];
        double[] bestValue = new double[cos.length];
        for (int latent = 0; latent < cos.length; latent++) {
            double[] row = requireNonNull(cos[latent], "cos[" + latent + "] is null");
            best[latent] = Integer.MAX_VALUE;
            bestValue[latent] = Double.NEGATIVE_INFINITY;
            for (int feature = 0; feature < row.length; feature++) {
                // Strictly greater keeps the lowest feature on ties and never picks a NaN.
                if (row[feature] > bestValue[latent] || (best[latent] == Integer.MAX_VALUE && !Double.isNaN(row[feature]))) {
                    best[latent] = feature;
                    bestValue[latent] = row[feature];
                }
            }
        }
        return IntStream.range(0, cos.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(latent -> best[latent])
                        .thenComparing(latent -> bestValue[latent], Comparator.reverseOrder())
                        .thenComparingInt(latent -> latent))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * A bar chart of one value in [−1, 1] per latent (clamped), with a zero line: positive bars
     * red, negative blue, NaN a grey mark on the zero line. With more latents than
     * {@value #MAX_BAR_PLOT_WIDTH} pixels, each pixel column shows the value of largest magnitude
     * among its latents, so a single strong latent is never averaged away.
     */
    public static byte[] bars(double[] values, String title, String xLabel, String yLabel) {
        requireNonNull(values, "values is null");
        requireNonNull(title, "title is null");
        requireNonNull(xLabel, "xLabel is null");
        requireNonNull(yLabel, "yLabel is null");
        if (values.length == 0) {
            throw new IllegalArgumentException("values is empty");
        }
        int count = values.length;
        int barWidth = clamp(PLOT_WIDTH_BUDGET / count, 1, MAX_CELL);
        int plotWidth = Math.min(count * barWidth, MAX_BAR_PLOT_WIDTH);
        int plotHeight = BAR_PLOT_HEIGHT;

        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        int left;
        int top;
        int width;
        int height;
        int stride;
        try {
            configure(measure);
            FontMetrics label = measure.getFontMetrics(LABEL_FONT);
            FontMetrics tick = measure.getFontMetrics(TICK_FONT);
            FontMetrics titleMetrics = measure.getFontMetrics(TITLE_FONT);
            left = MARGIN + label.getHeight() + 8 + tick.stringWidth("\u22120.5") + 4 + TICK;
            top = MARGIN + titleMetrics.getHeight() + 12;
            int bottom = TICK + 2 + tick.getHeight() + 8 + label.getHeight() + MARGIN;
            width = left + plotWidth + 2 * MARGIN;
            int needed = Math.max(MIN_IMAGE_WIDTH, titleMetrics.stringWidth(title) + 2 * MARGIN);
            if (width < needed) {
                left += (needed - width) / 2;
                width = needed;
            }
            height = top + plotHeight + bottom;
            double pixelsPerLatent = plotWidth / (double) count;
            stride = labelStride(pixelsPerLatent, tick.stringWidth(String.valueOf(count - 1)) + 6);
        } finally {
            measure.dispose();
        }

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            configure(g);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int zeroY = top + plotHeight / 2;
            // Light grid at the ticks so bar heights can be read off.
            g.setFont(TICK_FONT);
            FontMetrics tick = g.getFontMetrics();
            double[] yTicks = {1, 0.5, 0, -0.5, -1};
            String[] yTickLabels = {"1", "0.5", "0", "\u22120.5", MINUS_ONE};
            for (int i = 0; i < yTicks.length; i++) {
                int y = valueToY(yTicks[i], top, plotHeight);
                g.setColor(GRID);
                g.drawLine(left, y, left + plotWidth - 1, y);
                g.setColor(TEXT);
                g.drawLine(left - TICK - 1, y, left - 1, y);
                g.drawString(yTickLabels[i], left - TICK - 4 - tick.stringWidth(yTickLabels[i]), y + tick.getAscent() / 2 - 1);
            }
            // A blank pixel either side of wide bars keeps neighbours with equal values distinct.
            boolean gaps = plotWidth == count * barWidth && barWidth >= 6;
            for (int x = 0; x < plotWidth; x++) {
                if (gaps && (x % barWidth == 0 || x % barWidth == barWidth - 1)) {
                    continue;
                }
                int first = (int) ((long) x * count / plotWidth);
                int last = Math.max(first, (int) ((long) (x + 1) * count / plotWidth) - 1);
                double shown = Double.NaN;
                for (int latent = first; latent <= last; latent++) {
                    double v = values[latent];
                    if (Double.isNaN(shown) || (!Double.isNaN(v) && Math.abs(v) > Math.abs(shown))) {
                        shown = v;
                    }
                }
                if (Double.isNaN(shown)) {
                    g.setColor(new Color(NAN_RGB));
                    g.drawLine(left + x, zeroY - 3, left + x, zeroY + 3);
                    continue;
                }
                double v = clampUnit(shown);
                int y = valueToY(v, top, plotHeight);
                g.setColor(new Color(v >= 0 ? POSITIVE_RGB : NEGATIVE_RGB));
                g.drawLine(left + x, Math.min(y, zeroY), left + x, Math.max(y, zeroY));
            }
            g.setColor(TEXT);
            g.drawLine(left, zeroY, left + plotWidth - 1, zeroY);
            g.setColor(FRAME);
            g.drawRect(left - 1, top - 1, plotWidth + 1, plotHeight + 1);

            g.setColor(TEXT);
            int tickLabelBaseline = top + plotHeight + TICK + 2 + tick.getAscent();
            for (int latent = 0; latent < count; latent += stride) {
                int x = left + (int) ((latent + 0.5) * plotWidth / count);
                g.drawLine(x, top + plotHeight + 1, x, top + plotHeight + TICK);
                String text = String.valueOf(latent);
                g.drawString(text, x - tick.stringWidth(text) / 2, tickLabelBaseline);
            }
            g.setFont(LABEL_FONT);
            FontMetrics label = g.getFontMetrics();
            drawCentred(g, xLabel, left + plotWidth / 2, tickLabelBaseline + tick.getDescent() + 8 + label.getAscent());
            drawRotated(g, yLabel, MARGIN + label.getAscent(), top + plotHeight / 2);
            g.setFont(TITLE_FONT);
            drawCentred(g, title, width / 2, MARGIN + g.getFontMetrics().getAscent());
        } finally {
            g.dispose();
        }
        return encode(image);
    }

    /** The colour of a cosine: linear from blue at −1 through white at 0 to red at +1. */
    static int rgb(double value) {
        if (Double.isNaN(value)) {
            return NAN_RGB;
        }
        double v = clampUnit(value);
        return v >= 0 ? mix(ZERO_RGB, POSITIVE_RGB, v) : mix(ZERO_RGB, NEGATIVE_RGB, -v);
    }

    /** Where things go; package-private so tests can find the pixel of a given cell. */
    record Geometry(
            int width,
            int height,
            int plotX,
            int plotY,
            int cellWidth,
            int cellHeight,
            int rows,
            int columns,
            boolean rowTickLabels,
            int columnStride,
            int colourBarX,
            int colourBarY,
            int colourBarHeight,
            int rowLabelBaselineX) {
        int plotWidth() {
            return columns * cellWidth;
        }

        int plotHeight() {
            return rows * cellHeight;
        }
    }

    static Geometry geometry(
            int rows,
            int columns,
            String title,
            String rowLabel,
            String columnLabel,
            String[] shownNames,
            boolean hasNaN) {
        int cellWidth = clamp(PLOT_WIDTH_BUDGET / columns, 1, MAX_CELL);
        int cellHeight = clamp(PLOT_HEIGHT_BUDGET / rows, 1, MAX_CELL);
        int square = Math.min(cellWidth, cellHeight);
        // Square cells read best, but not when that would squash a long, thin matrix to nothing.
        if (square >= 4) {
            cellWidth = square;
            cellHeight = square;
        }
        int plotWidth = columns * cellWidth;
        int plotHeight = rows * cellHeight;

        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        try {
            configure(measure);
            FontMetrics titleMetrics = measure.getFontMetrics(TITLE_FONT);
            FontMetrics label = measure.getFontMetrics(LABEL_FONT);
            FontMetrics tick = measure.getFontMetrics(TICK_FONT);
            // Digits and capitals have no descenders, so rows one ascent tall still read cleanly.
            boolean rowTickLabels = cellHeight >= tick.getAscent();
            int rowTickWidth = 0;
            if (rowTickLabels) {
                for (String name : shownNames) {
                    rowTickWidth = Math.max(rowTickWidth, tick.stringWidth(name));
                }
            }
            int left = MARGIN + label.getHeight() + 8 + (rowTickLabels ? rowTickWidth + 4 + TICK : 0);
            int top = MARGIN + titleMetrics.getHeight() + 12;
            int bottom = TICK + 2 + tick.getHeight() + 8 + label.getHeight() + MARGIN;
            // A narrow plot's column label sticks out to the right; keep the colour bar clear of it.
            int colourBarGap = Math.max(COLOUR_BAR_GAP, (label.stringWidth(columnLabel) - plotWidth) / 2 + MARGIN);
            int right = colourBarGap + COLOUR_BAR_WIDTH + TICK + 4 + tick.stringWidth(MINUS_ONE) + 2 * MARGIN;
            int colourBarHeight = clamp(plotHeight, MIN_COLOUR_BAR_HEIGHT, MAX_COLOUR_BAR_HEIGHT);
            int legendHeight = hasNaN ? 28 : 0;
            // Room for the legend below a bar centred on the plot, and for the rotated row label,
            // so a 1-row plot pushes neither off the image.
            int contentHeight = Math.max(
                    Math.max(plotHeight, colourBarHeight + 2 * legendHeight), label.stringWidth(rowLabel) + 8);
            int width = left + plotWidth + right;
            int needed = Math.max(MIN_IMAGE_WIDTH, titleMetrics.stringWidth(title) + 2 * MARGIN);
            int shift = 0;
            if (width < needed) {
                shift = (needed - width) / 2;
                left += shift;
                width = needed;
            }
            int plotY = top + (contentHeight - plotHeight) / 2;
            // Beside a short plot the colour bar is centred on it; beside a tall one it starts at
            // the top, where it is seen without scrolling.
            int colourBarY = plotHeight < colourBarHeight ? plotY + (plotHeight - colourBarHeight) / 2 : plotY;
            int columnStride = labelStride(cellWidth, tick.stringWidth(String.valueOf(columns - 1)) + 6);
            return new Geometry(
                    width,
                    top + contentHeight + bottom,
                    left,
                    plotY,
                    cellWidth,
                    cellHeight,
                    rows,
                    columns,
                    rowTickLabels,
                    columnStride,
                    left + plotWidth + colourBarGap,
                    colourBarY,
                    colourBarHeight,
                    shift + MARGIN + label.getAscent());
        } finally {
            measure.dispose();
        }
    }

    private static void drawCells(BufferedImage image, Geometry geometry, double[][] values, int[] rowOrder) {
        int[] line = new int[geometry.plotWidth()];
        for (int r = 0; r < geometry.rows(); r++) {
            double[] row = values[rowOrder[r]];
            for (int c = 0; c < geometry.columns(); c++) {
                Arrays.fill(line, c * geometry.cellWidth(), (c + 1) * geometry.cellWidth(), rgb(row[c]));
            }
            int y0 = geometry.plotY() + r * geometry.cellHeight();
            for (int dy = 0; dy < geometry.cellHeight(); dy++) {
                image.setRGB(geometry.plotX(), y0 + dy, line.length, 1, line, 0, line.length);
            }
        }
    }

    private static void drawHeatmapFrame(
            Graphics2D g, Geometry geometry, String title, String rowLabel, String columnLabel, String[] shownNames) {
        int plotX = geometry.plotX();
        int plotY = geometry.plotY();
        int plotWidth = geometry.plotWidth();
        int plotHeight = geometry.plotHeight();
        // The frame sits outside the cells, so white (zero) cells at the edge still show where the plot ends.
        g.setColor(FRAME);
        g.drawRect(plotX - 1, plotY - 1, plotWidth + 1, plotHeight + 1);

        g.setFont(TICK_FONT);
        FontMetrics tick = g.getFontMetrics();
        g.setColor(TEXT);
        if (geometry.rowTickLabels()) {
            for (int r = 0; r < geometry.rows(); r++) {
                int y = plotY + r * geometry.cellHeight() + geometry.cellHeight() / 2;
                g.drawLine(plotX - TICK - 1, y, plotX - 2, y);
                String name = shownNames[r];
                g.drawString(name, plotX - TICK - 4 - tick.stringWidth(name), y + tick.getAscent() / 2);
            }
        }
        int tickLabelBaseline = plotY + plotHeight + TICK + 2 + tick.getAscent();
        for (int c = 0; c < geometry.columns(); c += geometry.columnStride()) {
            int x = plotX + c * geometry.cellWidth() + geometry.cellWidth() / 2;
            g.drawLine(x, plotY + plotHeight + 1, x, plotY + plotHeight + TICK);
            String text = String.valueOf(c);
            g.drawString(text, x - tick.stringWidth(text) / 2, tickLabelBaseline);
        }

        g.setFont(LABEL_FONT);
        FontMetrics label = g.getFontMetrics();
        drawCentred(g, columnLabel, plotX + plotWidth / 2, tickLabelBaseline + tick.getDescent() + 8 + label.getAscent());
        drawRotated(g, rowLabel, geometry.rowLabelBaselineX(), plotY + plotHeight / 2);
        g.setFont(TITLE_FONT);
        drawCentred(g, title, geometry.width() / 2, MARGIN + g.getFontMetrics().getAscent());
    }

    private static void drawColourBar(BufferedImage image, Graphics2D g, Geometry geometry, boolean hasNaN) {
        int x = geometry.colourBarX();
        int y0 = geometry.colourBarY();
        int height = geometry.colourBarHeight();
        int[] line = new int[COLOUR_BAR_WIDTH];
        for (int dy = 0; dy < height; dy++) {
            Arrays.fill(line, rgb(1 - 2.0 * dy / (height - 1)));
            image.setRGB(x, y0 + dy, COLOUR_BAR_WIDTH, 1, line, 0, COLOUR_BAR_WIDTH);
        }
        g.setColor(FRAME);
        g.drawRect(x - 1, y0 - 1, COLOUR_BAR_WIDTH + 1, height + 1);
        g.setFont(TICK_FONT);
        FontMetrics tick = g.getFontMetrics();
        g.setColor(TEXT);
        String[] labels = {"1", "0", MINUS_ONE};
        int[] ys = {y0, y0 + (height - 1) / 2, y0 + height - 1};
        for (int i = 0; i < labels.length; i++) {
            g.drawLine(x + COLOUR_BAR_WIDTH + 1, ys[i], x + COLOUR_BAR_WIDTH + TICK, ys[i]);
            g.drawString(labels[i], x + COLOUR_BAR_WIDTH + TICK + 3, ys[i] + tick.getAscent() / 2);
        }
        if (hasNaN) {
            int swatchY = y0 + height + 12;
            g.setColor(new Color(NAN_RGB));
            g.fillRect(x, swatchY, COLOUR_BAR_WIDTH, 12);
            g.setColor(TEXT);
            g.drawString("NaN", x + COLOUR_BAR_WIDTH + TICK + 3, swatchY + 6 + tick.getAscent() / 2);
        }
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, … that keeps index labels from overlapping. */
    private static int labelStride(double pixelsPerItem, int labelWidth) {
        int[] mantissas = {1, 2, 5};
        for (long scale = 1; ; scale *= 10) {
            for (int mantissa : mantissas) {
                long stride = mantissa * scale;
                if (stride * pixelsPerItem >= labelWidth || stride >= Integer.MAX_VALUE / 10) {
                    return (int) stride;
                }
            }
        }
    }

    private static int valueToY(double value, int top, int plotHeight) {
        return top + (int) Math.round((1 - value) / 2 * (plotHeight - 1));
    }

    private static void drawCentred(Graphics2D g, String text, int centreX, int baseline) {
        g.drawString(text, centreX - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    /** Draws text reading bottom to top, its glyph tops at {@code baselineX − ascent}. */
    private static void drawRotated(Graphics2D g, String text, int baselineX, int centreY) {
        AffineTransform saved = g.getTransform();
        try {
            g.translate(baselineX, centreY);
            g.rotate(-Math.PI / 2);
            g.drawString(text, -g.getFontMetrics().stringWidth(text) / 2, 0);
        } finally {
            g.setTransform(saved);
        }
    }

    private static void configure(Graphics2D g) {
        // The same hints for measuring and drawing, so measured widths match the drawn text.
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
    }

    /**
     * Draws a small heatmap and bar chart and throws them away. A JVM's first picture pays about
     * 0.2 s for loading Java2D and its fonts; the CLI has that done on a background thread while
     * it starts, rather than after training.
     */
    public static void warmUp() {
        image(new double[][] {{1, -1}, {0.5, Double.NaN}}, "warm-up", "latent", "feature", new int[] {0, 1},
                new String[] {"L0", "L1"});
        bars(new double[] {0.5, -0.5}, "warm-up", "latent", "cosine");
    }

    /**
     * The image as a PNG: 8-bit RGB, every row unfiltered, compressed at zlib's fastest level in one
     * IDAT chunk.
     * Written by hand because javax.imageio spends about 0.1 s finding its plug-ins on first use.
     */
    static byte[] encode(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] rows = new byte[height * (1 + 3 * width)];
        int at = 0;
        for (int y = 0; y < height; y++) {
            rows[at++] = 0; // filter type: none
            for (int x = 0; x < width; x++) {
                int rgb = pixels[y * width + x];
                rows[at++] = (byte) (rgb >>> 16);
                rows[at++] = (byte) (rgb >>> 8);
                rows[at++] = (byte) rgb;
            }
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(rows.length / 8 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed, deflater, 1 << 16)) {
            zlib.write(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not compress PNG", e);
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(compressed.size() + 64);
        png.writeBytes(PNG_SIGNATURE);
        ByteBuffer header = ByteBuffer.allocate(13);
        // width, height, bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
        header.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        chunk(png, "IDAT", compressed.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** A PNG chunk: length, type, data, and the CRC-32 of type and data, big-endian. */
    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static int checkRectangular(double[][] values) {
        requireNonNull(values, "values is null");
        if (values.length == 0) {
            throw new IllegalArgumentException("values has no rows");
        }
        int columns = requireNonNull(values[0], "values[0] is null").length;
        if (columns == 0) {
            throw new IllegalArgumentException("values has no columns");
        }
        for (int r = 0; r < values.length; r++) {
            double[] row = requireNonNull(values[r], "values[" + r + "] is null");
            if (row.length != columns) {
                throw new IllegalArgumentException(
                        "values is not rectangular: row " + r + " has " + row.length + " columns, row 0 has " + columns);
            }
        }
        return columns;
    }

    private static void checkPermutation(int[] order, int size) {
        requireNonNull(order, "rowOrder is null");
        if (order.length != size) {
            throw new IllegalArgumentException("rowOrder has " + order.length + " entries for " + size + " rows");
        }
        boolean[] seen = new boolean[size];
        for (int i = 0; i < size; i++) {
            int row = order[i];
            if (row < 0 || row >= size || seen[row]) {
                throw new IllegalArgumentException(
                        "rowOrder is not a permutation of 0.." + (size - 1) + ": rowOrder[" + i + "] = " + row);
            }
            seen[row] = true;
        }
    }

    private static double clampUnit(double value) {
        return Math.max(-1, Math.min(1, value));
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    private static int mix(int from, int to, double t) {
        int r = channel(from >> 16, to >> 16, t);
        int g = channel(from >> 8, to >> 8, t);
        int b = channel(from, to, t);
        return (r << 16) | (g << 8) | b;
    }

    private static int channel(int from, int to, double t) {
        int a = from & 0xFF;
        int b = to & 0xFF;
        return (int) Math.round(a + (b - a) * t);
    }
}
