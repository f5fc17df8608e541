package org.saelab.runner.report;

import org.saelab.api.Verdict;

/** A claim's sentence and the verdict computed from the runs. */
public record CheckedClaim(String id, String text, Verdict verdict) {}
