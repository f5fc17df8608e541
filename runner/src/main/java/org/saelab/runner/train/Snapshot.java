package org.saelab.runner.train;

/** The decoder/true-feature cosine matrix [width][numFeatures] after {@code step}, trained at {@code k}. */
public record Snapshot(long step, double k, double[][] decoderCos) {}
