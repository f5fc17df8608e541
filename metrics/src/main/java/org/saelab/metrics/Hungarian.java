package org.saelab.metrics;

import java.util.Arrays;

/**
 * The Hungarian algorithm (Kuhn–Munkres with potentials, O(n²m)) for a maximum-weight
 * one-to-one matching of the rows and columns of a rectangular matrix.
 */
public final class Hungarian {
    private Hungarian() {}

    /**
     * For each row, the column it is matched to (or −1 when there are more rows than columns and
     * the row stays unmatched), maximising the sum of matched weights.
     */
    public static int[] maximise(double[][] weights) {
        int rows = weights.length;
        int columns = rows == 0 ? 0 : weights[0].length;
        boolean transpose = rows > columns;
        int n = transpose ? columns : rows;
        int m = transpose ? rows : columns;
        // minimise cost = −weight over an n ≤ m problem, 1-based arrays as in the classic form
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] match = new int[m + 1];
        int[] way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            match[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = match[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cost = -(transpose ? weights[j - 1][i0 - 1] : weights[i0 - 1][j - 1]);
                        double reduced = cost - u[i0] - v[j];
                        if (reduced < minv[j]) {
                            minv[j] = reduced;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[match[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (match[j0] != 0);
            do {
                int j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] assignment = new int[rows];
        Arrays.fill(assignment, -1);
        for (int j = 1; j <= m; j++) {
            if (match[j] != 0) {
                if (transpose) {
                    assignment[j - 1] = match[j] - 1;
                } else {
                    assignment[match[j] - 1] = j - 1;
                }
            }
        }
        return assignment;
    }
}
