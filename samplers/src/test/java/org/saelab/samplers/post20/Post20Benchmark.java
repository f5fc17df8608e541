package org.saelab.samplers.post20;

import org.saelab.api.Batch;
import org.saelab.api.BatchStream;

/** Throughput of the default post20 stream on one thread; run by hand, not by surefire. */
public final class Post20Benchmark {
    private Post20Benchmark() {}

    public static void main(String[] args) {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        Batch batch = new Batch(batchSize, sampler.inputDim(), sampler.numFeatures());
        BatchStream stream = sampler.stream(1L);
        double checksum = 0;
        for (int round = 0; round < 5; round++) {
            long samples = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 1_000_000_000L) {
                for (int repeat = 0; repeat < 10; repeat++) {
                    stream.next(batch);
                    samples += batchSize;
                }
                checksum += batch.inputs[0];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: %.2f M samples/s%n", round, samples / seconds / 1e6);
        }
        System.out.println("checksum " + checksum);
    }
}
