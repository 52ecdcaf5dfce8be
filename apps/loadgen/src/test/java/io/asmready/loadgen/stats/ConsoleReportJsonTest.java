package io.asmready.loadgen.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.asmready.loadgen.Output;
import io.asmready.loadgen.logging.Console;
import io.asmready.loadgen.logging.LogFormat;
import io.asmready.loadgen.traffic.FailureReason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * The report with LOG_FORMAT=json, as Cloud Logging reads it: every line one JSON object (parsed here by Jackson),
 * whose {@code message} is the text line of LOG_FORMAT=text, so {@code N request(s) complete to URL} stays greppable.
 */
class ConsoleReportJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADDR = "http://hellosvc:80/?q=\"caf\u00e9\"";
    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00.123456Z");
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theStartLineCarriesTheTargetAndRate() throws Exception {
        JsonNode start = only(run((report, tally) -> report.started(LocalDateTime.of(2025, 3, 4, 5, 6, 7, 891_000_000), 5)));
        assertThat(start.get("severity").asText(), is("INFO"));
        assertThat(start.get("message").asText(), is("\ud83d\ude80 Starting loadgen: 2025-03-04 05:06:07.891"));
        assertThat(start.get("event").asText(), is("start"));
        assertThat(start.get("target").asText(), is(ADDR));
        assertThat(start.get("requestsPerSecond").asLong(), is(5L));
    }

    @Test
    void eachSecondIsOneInfoObjectWithItsCountsThenAWarningPerFailureReasonAndStatus() throws Exception {
        List<JsonNode> lines = run((report, tally) -> {
            answer(tally, 5, 200, MILLI);
            answer(tally, 3, 403, MILLI);
            fail(tally, FailureReason.CONNECTION_REFUSED, 250);
            fail(tally, FailureReason.timedOut(Duration.ofSeconds(5)), 1);
            report.second();
        });

        assertThat(lines.size(), is(4));
        JsonNode second = lines.get(0);
        assertThat(second.get("severity").asText(), is("INFO"));
        assertThat(second.get("message").asText(), is("8 request(s) complete to " + ADDR));
        assertThat(second.get("event").asText(), is("second"));
        assertThat(second.get("target").asText(), is(ADDR));
        assertThat(second.get("completed").asLong(), is(8L));
        assertThat(second.get("failed").asLong(), is(251L));
        assertThat(JSON.convertValue(second.get("failures"), Map.class),
                   is(Map.of("connection refused", 250, "timed out after 5 s", 1)));
        assertThat(JSON.convertValue(second.get("non2xx"), Map.class), is(Map.of("403", 3)));

        assertThat(lines.subList(1, 4).stream().map(l -> l.get("severity").asText()).toList(),
                   contains("WARNING", "WARNING", "WARNING"));
        JsonNode refused = lines.get(1);
        assertThat(refused.get("message").asText(), is("Request failed: connection refused (x 250)"));
        assertThat(refused.get("event").asText(), is("failure"));
        assertThat(refused.get("reason").asText(), is("connection refused"));
        assertThat(refused.get("count").asLong(), is(250L));
        assertThat(lines.get(2).get("reason").asText(), is("timed out after 5 s"));
        assertThat(lines.get(2).get("count").asLong(), is(1L));
        JsonNode status = lines.get(3);
        assertThat(status.get("message").asText(), is("Request answered with status 403 (x 3)"));
        assertThat(status.get("event").asText(), is("status"));
        assertThat(status.get("status").asInt(), is(403));
        assertThat(status.get("count").asLong(), is(3L));
    }

    @Test
    void aQuietSecondStillHasItsLineWithEmptyBreakdowns() throws Exception {
        JsonNode second = only(run((report, tally) -> report.second()));
        assertThat(second.get("message").asText(), is("0 request(s) complete to " + ADDR));
        assertThat(second.get("completed").asLong(), is(0L));
        assertThat(second.get("failed").asLong(), is(0L));
        assertThat(second.get("failures").size(), is(0));
        assertThat(second.get("non2xx").size(), is(0));
    }

    @Test
    void theLatencyLineHasItsPercentilesInMilliseconds() throws Exception {
        List<JsonNode> lines = run(2, (report, tally) -> {
            for (int i = 1; i <= 100; i++) {
                answer(tally, 1, 200, i * MILLI);
            }
            report.second();
            report.second();
        });

        JsonNode latency = lines.get(2);
        assertThat(latency.get("severity").asText(), is("INFO"));
        assertThat(latency.get("event").asText(), is("latency"));
        assertThat(latency.get("message").asText().startsWith("Latency last 2s: p50=50."), is(true));
        assertThat(latency.get("windowSeconds").asInt(), is(2));
        assertThat(latency.get("answers").asLong(), is(100L));
        JsonNode millis = latency.get("latencyMs");
        assertThat(Math.floor(millis.get("p50").asDouble()), is(50.0));
        assertThat(Math.floor(millis.get("p90").asDouble()), is(90.0));
        assertThat(Math.floor(millis.get("p99").asDouble()), is(99.0));
        assertThat(Math.floor(millis.get("p999").asDouble()), is(100.0));
        assertThat(Math.floor(millis.get("max").asDouble()), is(100.0));
    }

    @Test
    void theSummaryIsOneObjectWhoseMessageIsTheWholeTextSummary() throws Exception {
        BiConsumer<ConsoleReport, Tally> run = (report, tally) -> {
            for (int i = 1; i <= 100; i++) {
                answer(tally, 1, 200, i * MILLI);
            }
            fail(tally, FailureReason.CONNECTION_REFUSED, 3);
            answer(tally, 1, 503, MILLI);
            tally.admit(10); // still in flight at the end
            report.finish(TimeUnit.SECONDS.toNanos(4));
        };
        JsonNode summary = run(run).getLast();

        assertThat(summary.get("severity").asText(), is("INFO"));
        assertThat(summary.get("event").asText(), is("summary"));
        assertThat(summary.get("sent").asLong(), is(105L));
        assertThat(summary.get("completed").asLong(), is(101L));
        assertThat(summary.get("failed").asLong(), is(4L));
        assertThat(summary.get("rate").asDouble(), is(26.3));
        assertThat(summary.get("elapsedSeconds").asDouble(), is(4.0));
        assertThat(JSON.convertValue(summary.get("failures"), Map.class),
                   is(Map.of("connection refused", 3, "unfinished at shutdown", 1)));
        assertThat(JSON.convertValue(summary.get("non2xx"), Map.class), is(Map.of("503", 1)));
        assertThat(summary.get("answers").asLong(), is(101L));
        assertThat(Math.floor(summary.get("latencyMs").get("p50").asDouble()), is(50.0));

        List<String> text = text(run);
        assertThat(summary.get("message").asText(), is(String.join("\n", text.subList(text.size() - 4, text.size()))));
    }

    @Test
    void everyMessageIsTheTextLineAndEveryTimeIsRfc3339() throws Exception {
        BiConsumer<ConsoleReport, Tally> run = (report, tally) -> {
            report.started(LocalDateTime.of(2025, 3, 4, 5, 6, 7, 891_000_000), 20);
            answer(tally, 7, 200, MILLI);
            answer(tally, 1, 500, MILLI);
            fail(tally, FailureReason.CONNECTION_RESET, 2);
            report.second();
            answer(tally, 1, 200, MILLI);
            fail(tally, FailureReason.MAX_IN_FLIGHT, 1);
            report.finish(TimeUnit.SECONDS.toNanos(1));
        };
        List<JsonNode> json = run(run);
        List<String> messages = new ArrayList<>();
        for (JsonNode line : json) {
            messages.addAll(line.get("message").asText().lines().toList());
            assertThat(OffsetDateTime.parse(line.get("time").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                               .toInstant(), is(NOW));
        }
        assertThat(messages, is(text(run)));
    }

    private static List<JsonNode> run(BiConsumer<ConsoleReport, Tally> scenario) throws Exception {
        return run(0, scenario);
    }

    // Runs the scenario against a JSON report; each line must be one complete JSON object, in pure ASCII.
    private static List<JsonNode> run(int percentilesEverySeconds, BiConsumer<ConsoleReport, Tally> scenario)
            throws Exception {
        Output output = new Output();
        Tally tally = new Tally();
        scenario.accept(new ConsoleReport(tally, ADDR, new Console(output.stream(), LogFormat.JSON,
                                                                   InstantSource.fixed(NOW)),
                                          percentilesEverySeconds), tally);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines()) {
            assertThat(line, line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), is(true));
            JsonNode json = JSON.readTree(line);
            assertThat(line, json.isObject(), is(true));
            assertThat(line, json.get("time").isTextual() && json.get("severity").isTextual()
                    && json.get("message").isTextual(), is(true));
            lines.add(json);
        }
        return lines;
    }

    // The same scenario in text: the lines LOG_FORMAT=text prints.
    private static List<String> text(BiConsumer<ConsoleReport, Tally> scenario) {
        Output output = new Output();
        Tally tally = new Tally();
        scenario.accept(new ConsoleReport(tally, ADDR, output.stream(), 0), tally);
        return output.lines();
    }

    private static JsonNode only(List<JsonNode> lines) {
        assertThat(lines.size(), is(1));
        return lines.getFirst();
    }

    private static void answer(Tally tally, int count, int status, long latencyNanos) {
        for (int i = 0; i < count; i++) {
            tally.admit(Integer.MAX_VALUE);
            tally.answered(status, latencyNanos);
        }
    }

    private static void fail(Tally tally, String reason, int count) {
        for (int i = 0; i < count; i++) {
            if (reason.equals(FailureReason.MAX_IN_FLIGHT)) {
                tally.refused();
            } else if (tally.admit(Integer.MAX_VALUE)) {
                tally.failed(reason);
            }
        }
    }
}
