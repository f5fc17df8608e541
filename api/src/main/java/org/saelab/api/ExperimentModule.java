package org.saelab.api;

import com.google.inject.AbstractModule;
import com.google.inject.Module;

/** Base of experiments: binds the spec record and nothing else. */
public abstract class ExperimentModule extends AbstractModule implements Experiment {
    /** The spec this experiment runs; pure data. */
    protected abstract ExperimentSpec spec();

    @Override
    protected final void configure() {
        bind(ExperimentSpec.class).toInstance(spec());
    }

    @Override
    public final Module module() {
        return this;
    }
}
