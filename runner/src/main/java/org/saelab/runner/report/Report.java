package org.saelab.runner.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saelab.api.Claim;
import org.saelab.api.MetricValue;
import org.saelab.api.ResultTable;
import org.saelab.api.Verdict;
import org.saelab.runner.output.AtomicFiles;

/**
 * An experiment's report, {@code report.md} and {@code report.html}: the claims with their
 * measured numbers and verdicts (computed here, from the runs' metrics), the metrics of every
 * variant (mean ± sd over seeds) and of every run, and every run's pictures. The HTML embeds
 * the pictures, so it opens offline and can be mailed as one file.
 */
public final class Report {
    /** The metrics of the tables, in this order (and any {@code metric@k…} after them). */
    static final List<String> COLUMNS = List.of("recoveredFeatures", "minMaxCos", "mcc", "hedging", "deadLatents", "mse",
            "varianceExplained");
    static final List<String> PICTURES = List.of("decoder_cos.png", "hedging.png", "frames.gif");

    private final String experiment;
    private final String description;
    private final List<Long> seeds;
    private final List<String> variants;
    private final List<ReportRun> runs;
    private final List<CheckedClaim> claims;

    public Report(String experiment, String description, List<Long> seeds, List<String> variants, List<ReportRun> runs,
            List<CheckedClaim> claims) {
        this.experiment = experiment;
        this.description = description;
        this.seeds = List.copyOf(seeds);
        this.variants = List.copyOf(variants);
        this.runs = List.copyOf(runs);
        this.claims = List.copyOf(claims);
    }

    public List<CheckedClaim> claims() {
        return claims;
    }

    /** Checks every claim on the runs; a claim whose variants are not all complete is not measured. */
    public static List<CheckedClaim> check(List<Claim> claims, List<Long> seeds, List<ReportRun> runs) {
        ResultTable table = table(seeds, runs);
        List<CheckedClaim> out = new ArrayList<>();
        for (Claim claim : claims) {
            List<String> missing = claim.variants().stream().filter(v -> !table.complete(v)).toList();
            Verdict verdict;
            if (!missing.isEmpty()) {
                verdict = Verdict.notMeasured("needs runs of " + String.join(", ", missing) + " at every seed");
            } else {
                try {
                    verdict = claim.check(table);
                } catch (IllegalArgumentException e) {
                    verdict = Verdict.notMeasured(e.getMessage());
                }
            }
            out.add(new CheckedClaim(claim.id(), claim.text(), verdict));
        }
        return out;
    }

    static ResultTable table(List<Long> seeds, List<ReportRun> runs) {
        Map<String, Map<Long, Map<String, MetricValue>>> byVariant = new LinkedHashMap<>();
        for (ReportRun run : runs) {
            byVariant.computeIfAbsent(run.variant(), v -> new LinkedHashMap<>()).put(run.seed(), run.metrics());
        }
        return new ResultTable(seeds, byVariant);
    }

    /** Writes report.md and report.html into {@code dir} (each atomically). */
    public void write(Path dir) {
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(dir));
        AtomicFiles.writeString(dir.resolve("report.html"), html(dir));
    }

    List<String> columns() {
        Set<String> out = new LinkedHashSet<>(COLUMNS);
        java.util.TreeSet<String> atK = new java.util.TreeSet<>();
        for (ReportRun run : runs) {
            for (String name : run.metrics().keySet()) {
                if (name.contains("@k")) {
                    atK.add(name);
                }
            }
        }
        out.addAll(atK);
        return out.stream().filter(c -> runs.stream().anyMatch(r -> r.metrics().get(c) instanceof MetricValue.Scalar))
                .toList();
    }

    String markdown(Path dir) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(experiment).append("\n\n");
        md.append(description).append("\n\n");
        md.append(summaryLine()).append("\n\n");
        md.append("## Claims\n\n");
        if (claims.isEmpty()) {
            md.append("This experiment checks no claim; its pictures are the result.\n\n");
        } else {
            md.append("| claim | measured (mean ± sd, then each seed) | verdict |\n|---|---|---|\n");
            for (CheckedClaim claim : claims) {
                md.append("| ").append(cell(claim.text())).append(" | ").append(cell(claim.verdict().measured()))
                        .append(" | **").append(claim.verdict().status()).append("** |\n");
            }
            md.append('\n');
        }
        List<String> columns = columns();
        md.append("## Metrics by variant (mean ± sd over seeds ").append(seedList()).append(")\n\n");
        md.append("| variant |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|").append("---|".repeat(columns.size())).append('\n');
        ResultTable table = table(seeds, runs);
        for (String variant : variants) {
            md.append("| ").append(variant.isEmpty() ? experiment : variant).append(" |");
            for (String column : columns) {
                md.append(' ').append(cell(summary(table, variant, column))).append(" |");
            }
            md.append('\n');
        }
        md.append("\n## Every run\n\n| run | seed |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(columns.size())).append('\n');
        for (ReportRun run : runs) {
            md.append("| [").append(run.dir()).append("](").append(run.dir()).append("/result.json) | ")
                    .append(run.seed()).append(" |");
            for (String column : columns) {
                md.append(' ').append(value(run, column)).append(" |");
            }
            md.append('\n');
        }
        md.append("\n## Pictures\n\n");
        md.append("Decoder cosine with the true features (latents sorted by best match; a clean diagonal means every "
                + "feature has its own latent) and each latent's decoder cosine with feature 0 (hedging).\n\n");
        for (ReportRun run : runs) {
            md.append("### ").append(run.dir()).append("\n\n");
            for (String picture : PICTURES) {
                if (!Files.isRegularFile(dir.resolve(run.dir()).resolve(picture))) {
                    continue;
                }
                md.append("![").append(run.dir()).append(' ').append(picture).append("](").append(run.dir()).append('/')
                        .append(picture).append(")\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    String html(Path dir) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(experiment))
                .append(" report</title>\n<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;"
                        + "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:left;vertical-align:top}th{background:#f3f3f3}.holds{color:#176f2c;font-weight:bold}"
                        + ".does-not-hold{color:#b3261e;font-weight:bold}.not-measured{color:#777}"
                        + "img{max-width:100%;margin:4px}.run{display:inline-block;vertical-align:top}</style></head><body>\n");
        html.append("<h1>").append(escape(experiment)).append("</h1>\n<p>").append(escape(description)).append("</p>\n<p>")
                .append(escape(summaryLine())).append("</p>\n<h2>Claims</h2>\n");
        if (claims.isEmpty()) {
            html.append("<p>This experiment checks no claim; its pictures are the result.</p>\n");
        } else {
            html.append("<table><tr><th>claim</th><th>measured (mean ± sd, then each seed)</th><th>verdict</th></tr>\n");
            for (CheckedClaim claim : claims) {
                String css = claim.verdict().status().toString().replace(' ', '-');
                html.append("<tr><td>").append(escape(claim.text())).append("</td><td>")
                        .append(escape(claim.verdict().measured())).append("</td><td class=\"").append(css).append("\">")
                        .append(claim.verdict().status()).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        List<String> columns = columns();
        ResultTable table = table(seeds, runs);
        html.append("<h2>Metrics by variant (mean ± sd over seeds ").append(escape(seedList())).append(")</h2>\n<table><tr><th>variant</th>");
        columns.forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr>\n");
        for (String variant : variants) {
            html.append("<tr><td>").append(escape(variant.isEmpty() ? experiment : variant)).append("</td>");
            for (String column : columns) {
                html.append("<td>").append(escape(summary(table, variant, column))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n<h2>Every run</h2>\n<table><tr><th>run</th><th>seed</th>");
        columns.forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr>\n");
        for (ReportRun run : runs) {
            html.append("<tr><td>").append(escape(run.dir())).append("</td><td>").append(run.seed()).append("</td>");
            for (String column : columns) {
                html.append("<td>").append(escape(value(run, column))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n<h2>Pictures</h2>\n<p>Decoder cosine with the true features (latents sorted by best "
                + "match; a clean diagonal means every feature has its own latent) and each latent's decoder cosine with "
                + "feature 0 (hedging).</p>\n");
        for (String variant : variants) {
            html.append("<h3>").append(escape(variant.isEmpty() ? experiment : variant)).append("</h3>\n");
            for (ReportRun run : runs) {
                if (!run.variant().equals(variant)) {
                    continue;
                }
                html.append("<div class=\"run\"><p>").append(escape(run.dir())).append("</p>");
                for (String picture : PICTURES) {
                    Path file = dir.resolve(run.dir()).resolve(picture);
                    if (Files.isRegularFile(file)) {
                        html.append("<img alt=\"").append(escape(run.dir() + " " + picture)).append("\" src=\"")
                                .append(dataUri(file)).append("\">");
                    }
                }
                html.append("</div>\n");
            }
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    private String summaryLine() {
        return runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ": " + variants.size() + " variant"
                + (variants.size() == 1 ? "" : "s") + " × seed" + (seeds.size() == 1 ? " " : "s ") + seedList()
                + ". Claims are judged on the means over seeds.";
    }

    private String seedList() {
        return String.join(", ", seeds.stream().map(String::valueOf).toList());
    }

    private static String summary(ResultTable table, String variant, String column) {
        try {
            return ResultTable.describe(table.scalars(variant, column)).replaceAll(" \\(.*\\)$", "");
        } catch (IllegalArgumentException e) {
            return "–";
        }
    }

    private static String value(ReportRun run, String column) {
        MetricValue value = run.metrics().get(column);
        return value instanceof MetricValue.Scalar scalar ? ResultTable.number(scalar.value()) : "–";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String dataUri(Path file) {
        String type = file.toString().endsWith(".gif") ? "image/gif" : "image/png";
        try {
            return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
