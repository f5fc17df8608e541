package org.saelab.api;

import com.google.inject.AbstractModule;
import com.google.inject.Module;

/** Base of experiments: binds the experiment's plan (its variants, seeds and claims) and nothing else. */
public abstract class ExperimentModule extends AbstractModule implements Experiment {
    /** The plan this experiment runs: by default {@link #spec()} once, at seed 0, with no claims. */
    protected ExperimentPlan plan() {
        return ExperimentPlan.single(spec());
    }

    /** The spec this experiment runs; pure data. */
    protected ExperimentSpec spec() {
        throw new UnsupportedOperationException(name() + " defines plan(), not spec()");
    }

    @Override
    protected final void configure() {
        bind(ExperimentPlan.class).toInstance(plan());
    }

    @Override
    public final Module module() {
        return this;
    }
}
