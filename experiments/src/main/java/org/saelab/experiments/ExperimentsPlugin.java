package org.saelab.experiments;

import java.util.List;
import org.saelab.api.Experiment;
import org.saelab.api.Plugin;
import org.saelab.experiments.arch.ArchCompare;
import org.saelab.experiments.post.PostExperiments;

/** The experiments that ship with saelab. */
public final class ExperimentsPlugin implements Plugin {
    @Override
    public String name() {
        return "core-experiments";
    }

    @Override
    public List<Experiment> experiments() {
        List<Experiment> out = new java.util.ArrayList<>(PostExperiments.all());
        out.add(new ArchCompare());
        out.add(ArchCompare.calibration());
        return out;
    }
}
