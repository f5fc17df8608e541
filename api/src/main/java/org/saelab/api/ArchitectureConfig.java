package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Config of an SAE architecture; the concrete record is chosen by its {@code type} name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface ArchitectureConfig {
    /** Number of latents. */
    int dSae();
}
