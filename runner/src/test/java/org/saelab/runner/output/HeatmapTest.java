package org.saelab.runner.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HeatmapTest {
    private static final String ROWS = "SAE latent (sorted by best match)";
    private static final String COLUMNS = "true feature";

    @Test
    void cellsHaveTheColourOfTheirValue() throws IOException {
        double[][] values = {{1, -1, 0, Double.NaN, 0.5, 7, -3}};
        BufferedImage image = render(values, new int[] {0});
        Heatmap.Geometry geometry = geometry(values);

        int positive = cellPixel(image, geometry, 0, 0);
        assertTrue(red(positive) > 150 && green(positive) < 80 && blue(positive) < 80, hex(positive) + " is not red");
        int negative = cellPixel(image, geometry, 0, 1);
        assertTrue(blue(negative) > 150 && red(negative) < 80 && green(negative) < 150, hex(negative) + " is not blue");
        int zero = cellPixel(image, geometry, 0, 2);
        assertTrue(red(zero) > 245 && green(zero) > 245 && blue(zero) > 245, hex(zero) + " is not white");
        int nan = cellPixel(image, geometry, 0, 3);
        assertTrue(red(nan) == green(nan) && green(nan) == blue(nan) && red(nan) > 100 && red(nan) < 200,
                hex(nan) + " is not grey");
        // Linear interpolation: half way between white and the +1 colour.
        int half = cellPixel(image, geometry, 0, 4);
        assertEquals((255 + red(positive)) / 2.0, red(half), 1);
        assertEquals((255 + green(positive)) / 2.0, green(half), 1);
        assertEquals((255 + blue(positive)) / 2.0, blue(half), 1);
        // Out-of-range values clamp to the ends of the scale.
        assertEquals(positive, cellPixel(image, geometry, 0, 5));
        assertEquals(negative, cellPixel(image, geometry, 0, 6));
    }

    @Test
    void rowsAreDrawnInTheGivenOrder() throws IOException {
        double[][] values = {{1}, {-1}, {0}};
        int[] order = {1, 2, 0};
        BufferedImage image = render(values, order);
        Heatmap.Geometry geometry = geometry(values);

        assertTrue(blue(cellPixel(image, geometry, 0, 0)) > 150 && red(cellPixel(image, geometry, 0, 0)) < 80);
        assertEquals(0xFFFFFF, cellPixel(image, geometry, 1, 0));
        assertTrue(red(cellPixel(image, geometry, 2, 0)) > 150 && blue(cellPixel(image, geometry, 2, 0)) < 80);
    }

    @Test
    void twentyByTwentyHasReadableCellsAndAModerateWidth() throws IOException {
        double[][] values = identity(20);
        BufferedImage image = render(values, IntStream.range(0, 20).toArray());
        Heatmap.Geometry geometry = geometry(values);

        assertEquals(geometry.width(), image.getWidth());
        assertEquals(geometry.height(), image.getHeight());
        assertTrue(image.getWidth() >= 600 && image.getWidth() <= 900, "width " + image.getWidth());
        assertEquals(24, geometry.cellWidth());
        assertEquals(24, geometry.cellHeight());
        assertTrue(geometry.rowTickLabels());
        assertEquals(1, geometry.columnStride());
        // The diagonal is red and everything off it white.
        for (int r = 0; r < 20; r++) {
            assertTrue(red(cellPixel(image, geometry, r, r)) > 150 && blue(cellPixel(image, geometry, r, r)) < 80);
            assertEquals(0xFFFFFF, cellPixel(image, geometry, r, (r + 1) % 20));
        }
    }

    @Test
    void colourBarRunsFromRedAtTheTopToBlueAtTheBottom() throws IOException {
        double[][] values = identity(5);
        BufferedImage image = render(values, IntStream.range(0, 5).toArray());
        Heatmap.Geometry geometry = geometry(values);
        int x = geometry.colourBarX() + 8;
        int top = image.getRGB(x, geometry.colourBarY()) & 0xFFFFFF;
        int middle = image.getRGB(x, geometry.colourBarY() + (geometry.colourBarHeight() - 1) / 2) & 0xFFFFFF;
        int bottom = image.getRGB(x, geometry.colourBarY() + geometry.colourBarHeight() - 1) & 0xFFFFFF;
        assertEquals(Heatmap.rgb(1), top);
        assertTrue(red(middle) > 245 && green(middle) > 245 && blue(middle) > 245, hex(middle) + " is not white");
        assertEquals(Heatmap.rgb(-1), bottom);
    }

    @Test
    void tallMatrixGetsOnePixelRowsAndNoRowLabels() throws IOException {
        Random random = new Random(7);
        double[][] values = new double[4096][50];
        for (double[] row : values) {
            for (int c = 0; c < row.length; c++) {
                row[c] = random.nextGaussian() * 0.3;
            }
        }
        int[] order = Heatmap.orderByBestMatch(values);
        BufferedImage image = render(values, order);
        Heatmap.Geometry geometry = geometry(values);

        assertEquals(1, geometry.cellHeight());
        assertFalse(geometry.rowTickLabels());
        assertTrue(image.getWidth() <= 900, "width " + image.getWidth());
        assertTrue(image.getHeight() >= 4096 && image.getHeight() <= 4096 + 300, "height " + image.getHeight());
        // The legend sits at the top, visible without scrolling through 4096 rows.
        assertEquals(geometry.plotY(), geometry.colourBarY());
        assertEquals(Heatmap.rgb(1), image.getRGB(geometry.colourBarX() + 8, geometry.colourBarY()) & 0xFFFFFF);
        // Every row is drawn, the last one included.
        for (int c = 0; c < 50; c++) {
            assertEquals(Heatmap.rgb(values[order[4095]][c]), cellPixel(image, geometry, 4095, c));
            assertEquals(Heatmap.rgb(values[order[0]][c]), cellPixel(image, geometry, 0, c));
        }
    }

    @Test
    void oneByOneRenders() throws IOException {
        double[][] values = {{0.9}};
        BufferedImage image = render(values, new int[] {0});
        Heatmap.Geometry geometry = geometry(values);
        assertTrue(image.getWidth() >= 600, "width " + image.getWidth());
        // Beside a single cell the colour bar is centred on it, within the image.
        int plotCentre = geometry.plotY() + geometry.cellHeight() / 2;
        assertEquals(plotCentre, geometry.colourBarY() + geometry.colourBarHeight() / 2, 1);
        assertTrue(geometry.colourBarY() > 0 && geometry.colourBarY() + geometry.colourBarHeight() < image.getHeight());
        int cell = cellPixel(image, geometry, 0, 0);
        assertEquals(Heatmap.rgb(0.9), cell);
        assertTrue(red(cell) > 150 && blue(cell) < 100);
    }

    @Test
    void rejectsAnOrderThatIsNotAPermutation() {
        double[][] values = identity(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Heatmap.png(values, "t", ROWS, COLUMNS, new int[] {0, 0, 2}, names(3)));
        assertTrue(e.getMessage().contains("permutation"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.png(new double[][] {{1, 2}, {3}}, "t", ROWS, COLUMNS, new int[] {0, 1}, names(2)));
    }

    @Test
    void orderByBestMatchInvertsAPermutedIdentity() {
        int[] permutation = {3, 0, 4, 1, 2};
        double[][] cos = new double[5][5];
        for (int latent = 0; latent < 5; latent++) {
            cos[latent][permutation[latent]] = 1;
        }
        int[] inverse = new int[5];
        for (int latent = 0; latent < 5; latent++) {
            inverse[permutation[latent]] = latent;
        }
        assertArrayEquals(inverse, Heatmap.orderByBestMatch(cos));
    }

    @Test
    void orderByBestMatchUsesSignedCosineThenStrengthAndPutsAllNaNLast() {
        double[][] cos = {
            {Double.NaN, Double.NaN},
            {0.2, -0.9}, // best by signed cosine is feature 0, despite |−0.9|
            {0.1, 0.95},
            {0.1, 0.99},
            {0.8, Double.NaN},
        };
        assertArrayEquals(new int[] {4, 1, 3, 2, 0}, Heatmap.orderByBestMatch(cos));
    }

    @Test
    void barsRenderSignedBarsAroundAZeroLine() throws IOException {
        double[] values = {0.9, -0.8, 0, Double.NaN, 2};
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                Heatmap.bars(values, "cosine with feature 0", "SAE latent", "cosine")));
        assertNotNull(image);
        assertTrue(image.getWidth() >= 600 && image.getWidth() <= 900, "width " + image.getWidth());
        assertTrue(countPixels(image, Heatmap.rgb(1)) > 100, "no red bars");
        assertTrue(countPixels(image, Heatmap.rgb(-1)) > 100, "no blue bars");
    }

    @Test
    void barsAggregateManyLatentsWithoutLosingASpike() throws IOException {
        double[] values = new double[4096];
        values[1234] = -1;
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Heatmap.bars(values, "t", "x", "y")));
        assertTrue(image.getWidth() <= 900, "width " + image.getWidth());
        assertTrue(countPixels(image, Heatmap.rgb(-1)) > 100, "the single spike was lost");
    }

    @Test
    void pngDecodesToExactlyThePixelsDrawn() throws IOException {
        Random random = new Random(7);
        double[][] values = new double[20][20];
        for (double[] row : values) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian() * 0.4;
            }
        }
        values[4][2] = Double.NaN;
        int[] order = Heatmap.orderByBestMatch(values);
        BufferedImage drawn = Heatmap.image(values, "decoder cosines", ROWS, COLUMNS, order, names(values.length));
        // one more picture, 1 × 1, which a writer could get wrong at the edges
        BufferedImage tiny = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        tiny.setRGB(0, 0, 0x123456);
        for (BufferedImage image : new BufferedImage[] {drawn, tiny}) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Heatmap.encode(image)));
            assertNotNull(decoded, "not a decodable PNG");
            assertEquals(image.getWidth(), decoded.getWidth());
            assertEquals(image.getHeight(), decoded.getHeight());
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    assertEquals(image.getRGB(x, y), decoded.getRGB(x, y), "pixel (" + x + ", " + y + ")");
                }
            }
        }
    }

    private static BufferedImage render(double[][] values, int[] order) throws IOException {
        byte[] png = Heatmap.png(values, "decoder cosines", ROWS, COLUMNS, order, names(values.length));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "not a decodable image");
        return image;
    }

    private static Heatmap.Geometry geometry(double[][] values) {
        String[] names = names(values.length);
        boolean hasNaN = java.util.Arrays.stream(values).flatMapToDouble(java.util.Arrays::stream).anyMatch(Double::isNaN);
        return Heatmap.geometry(values.length, values[0].length, "decoder cosines", ROWS, COLUMNS, names, hasNaN);
    }

    private static int cellPixel(BufferedImage image, Heatmap.Geometry geometry, int row, int column) {
        int x = geometry.plotX() + column * geometry.cellWidth() + geometry.cellWidth() / 2;
        int y = geometry.plotY() + row * geometry.cellHeight() + geometry.cellHeight() / 2;
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    private static int countPixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }

    static double[][] identity(int size) {
        double[][] values = new double[size][size];
        for (int i = 0; i < size; i++) {
            values[i][i] = 1;
        }
        return values;
    }

    static String[] names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "L" + i).toArray(String[]::new);
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }

    private static String hex(int rgb) {
        return String.format("#%06X", rgb);
    }
}
