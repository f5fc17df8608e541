package org.saelab.experiments;

import java.util.List;
import org.saelab.api.Experiment;
import org.saelab.api.Plugin;
import org.saelab.experiments.post.PostCase1;
import org.saelab.experiments.post.PostKExperiment;

/** The experiments that ship with saelab. */
public final class ExperimentsPlugin implements Plugin {
    @Override
    public String name() {
        return "core-experiments";
    }

    @Override
    public List<Experiment> experiments() {
        return List.of(new PostCase1(), PostKExperiment.case2(), PostKExperiment.case3(), PostKExperiment.k6(),
                PostKExperiment.k8());
    }
}
