package org.saelab.api;

import com.google.inject.Module;

/** A named experiment: a Guice module that binds its {@link ExperimentSpec}. */
public interface Experiment extends Named {
    Module module();
}
