package org.saelab.runner.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Writes sample charts for looking at by eye; not a test, so builds do not write to /tmp.
 * Run with: java -Djava.awt.headless=true -cp runner/target/classes:runner/target/test-classes
 * org.saelab.runner.output.HeatmapSample [directory]
 */
final class HeatmapSample {
    private HeatmapSample() {}

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : "/tmp");
        Random random = new Random(42);
        int size = 20;
        // A ground-truth-like SAE in a shuffled latent order, with noise and one NaN row entry.
        int[] permutation = IntStream.range(0, size).toArray();
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        double[][] cos = new double[size][size];
        for (int latent = 0; latent < size; latent++) {
            for (int feature = 0; feature < size; feature++) {
                cos[latent][feature] = random.nextGaussian() * 0.15;
            }
            cos[latent][permutation[latent]] = 0.7 + random.nextDouble() * 0.3;
        }
        cos[3][5] = -0.8;
        cos[7][2] = Double.NaN;
        String[] names = IntStream.range(0, size).mapToObj(i -> "L" + i).toArray(String[]::new);
        Files.write(directory.resolve("heatmap-sample.png"), Heatmap.png(cos, "decoder cosines: post-case1",
                "SAE latent (sorted by best match)", "true feature", Heatmap.orderByBestMatch(cos), names));

        double[][] tall = new double[4096][50];
        for (double[] row : tall) {
            for (int c = 0; c < row.length; c++) {
                row[c] = random.nextGaussian() * 0.2;
            }
            row[random.nextInt(50)] = 0.9;
        }
        String[] tallNames = IntStream.range(0, 4096).mapToObj(i -> "L" + i).toArray(String[]::new);
        Files.write(directory.resolve("heatmap-tall.png"), Heatmap.png(tall, "4096 latents",
                "SAE latent (sorted by best match)", "true feature", Heatmap.orderByBestMatch(tall), tallNames));
        Files.write(directory.resolve("heatmap-one.png"), Heatmap.png(new double[][] {{-0.4}}, "one",
                "SAE latent (sorted by best match)", "true feature", new int[] {0}, new String[] {"L0"}));

        double[] hedging = new double[size];
        for (int latent = 0; latent < size; latent++) {
            hedging[latent] = random.nextGaussian() * 0.1;
        }
        hedging[4] = 0.85;
        hedging[9] = 0.35;
        hedging[13] = -0.3;
        Files.write(directory.resolve("bars-sample.png"),
                Heatmap.bars(hedging, "hedging: cosine of each latent with feature 0", "SAE latent", "cosine"));
    }
}
