package org.saelab.experiments;

import java.util.List;
import org.saelab.api.Experiment;
import org.saelab.api.Plugin;
import org.saelab.experiments.post.PostExperiments;

/** The experiments that ship with saelab. */
public final class ExperimentsPlugin implements Plugin {
    @Override
    public String name() {
        return "core-experiments";
    }

    @Override
    public List<Experiment> experiments() {
        return PostExperiments.all();
    }
}
