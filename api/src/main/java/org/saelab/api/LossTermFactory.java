package org.saelab.api;

public interface LossTermFactory<C extends LossTermConfig> extends ComponentFactory<C, LossTerm> {}
