package org.saelab.api;

public interface SamplerFactory<C extends SamplerConfig> extends ComponentFactory<C, Sampler> {}
