package org.saelab.architectures;

import java.util.List;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.Plugin;
import org.saelab.architectures.batchtopk.BatchTopKFactory;
import org.saelab.architectures.matryoshka.MatryoshkaBatchTopKFactory;
import org.saelab.architectures.standard.StandardFactory;
import org.saelab.architectures.topk.TopKFactory;

/** The SAE architectures that ship with saelab. */
public final class ArchitecturesPlugin implements Plugin {
    @Override
    public String name() {
        return "core-architectures";
    }

    @Override
    public List<ArchitectureFactory<?>> architectures() {
        return List.of(new BatchTopKFactory(), new TopKFactory(), new MatryoshkaBatchTopKFactory(), new StandardFactory());
    }
}
