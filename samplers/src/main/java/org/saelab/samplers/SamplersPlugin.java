package org.saelab.samplers;

import java.util.List;
import org.saelab.api.Plugin;
import org.saelab.api.SamplerFactory;
import org.saelab.samplers.post20.Post20Factory;

/** The toy models that ship with saelab. */
public final class SamplersPlugin implements Plugin {
    @Override
    public String name() {
        return "core-samplers";
    }

    @Override
    public List<SamplerFactory<?>> samplers() {
        return List.of(new Post20Factory(), new org.saelab.samplers.file.FileSamplerFactory());
    }
}
