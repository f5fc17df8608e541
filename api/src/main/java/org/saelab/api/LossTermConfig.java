package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Config of one loss term; the concrete record is chosen by its {@code type} name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface LossTermConfig {}
