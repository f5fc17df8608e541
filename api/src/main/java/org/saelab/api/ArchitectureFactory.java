package org.saelab.api;

public interface ArchitectureFactory<C extends ArchitectureConfig> extends ComponentFactory<C, Sae> {}
