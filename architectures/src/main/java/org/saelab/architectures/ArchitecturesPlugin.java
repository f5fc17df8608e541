package org.saelab.architectures;

import java.util.List;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.Plugin;
import org.saelab.architectures.batchtopk.BatchTopKFactory;

/** The SAE architectures that ship with saelab. */
public final class ArchitecturesPlugin implements Plugin {
    @Override
    public String name() {
        return "core-architectures";
    }

    @Override
    public List<ArchitectureFactory<?>> architectures() {
        return List.of(new BatchTopKFactory());
    }
}
