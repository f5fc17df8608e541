package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Config of a toy model; the concrete record is chosen by its {@code type} name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface SamplerConfig {}
