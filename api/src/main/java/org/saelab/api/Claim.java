package org.saelab.api;

import java.util.Set;

/**
 * A claim an experiment's report checks: one sentence, and a verdict computed from the
 * results of the runs, judged on the means over seeds unless the claim says otherwise.
 */
public interface Claim {
    /** Stable identifier, unique within an experiment (claims of combined plans are merged by it). */
    String id();

    /** The claim as the report states it. */
    String text();

    /** The variants whose results the claim reads; it is not judged if any is missing. */
    Set<String> variants();

    Verdict check(ResultTable results);
}
