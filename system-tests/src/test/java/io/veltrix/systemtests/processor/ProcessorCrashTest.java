package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The processor dies while events stream through ingest: afterwards every event is counted exactly once. */
class ProcessorCrashTest extends PlatformTest {

    /** Killed with SIGKILL and restarted, twice, wherever it happened to be. */
    @Test
    void killedTwiceWhileEventsFlowEveryEventIsCountedOnce() throws Exception {
        StreamRun run = new StreamRun("crash", db, services.url(TestServices.INGEST), 60).stream(stream -> {
            for (int crash = 1; crash <= 2; crash++) {
                int before = stream.sentCount();
                // events flow and are being counted...
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= before + 400);
                services.process(TestServices.PROCESSOR).kill();
                int killedAt = stream.sentCount();
                // ...ingest goes on while the processor is down...
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= killedAt + 200);
                services.restart(TestServices.PROCESSOR);
            }
        });
        run.assertCountedOnce(services.stack());
        System.out.printf("crash test: %d events, 2 kills; the last instance found %.0f already counted%n",
                run.sent().size(), duplicates());
    }

    /**
     * The crash the exactly-once guarantee is about, made certain: the processor halts (as kill -9 would) right after a
     * transaction committed and before its messages were acknowledged. Pulsar redelivers them to the next instance,
     * which finds every one of them counted already: its duplicate count covers at least that batch, and the
     * aggregates equal the sent events, each once.
     */
    @Test
    void aCrashBetweenCommitAndAcknowledgementIsSuppressedAsDuplicates() throws Exception {
        long[] unacknowledged = new long[1];
        StreamRun run = new StreamRun("halt", db, services.url(TestServices.INGEST), 60).stream(stream -> {
            ServiceProcess halting = services.restart(TestServices.PROCESSOR,
                    Map.of("veltrix.processor.fault.halt-after-commits", "5"));
            await().atMost(Duration.ofSeconds(120)).until(() -> !halting.isAlive());
            Matcher halted = Pattern.compile("halting after commit (\\d+); (\\d+) events of it counted and not acknowledged")
                    .matcher(Files.readString(halting.logFile()));
            // the log file is appended to by every run of the instance: this run's halt is the last one in it
            long last = -1;
            while (halted.find()) {
                last = Long.parseLong(halted.group(2));
            }
            assertTrue(last >= 0, "the processor halted at the fault point");
            unacknowledged[0] = last;
            services.restart(TestServices.PROCESSOR);
        });
        run.assertCountedOnce(services.stack());
        double duplicates = duplicates();
        assertTrue(unacknowledged[0] > 0, "the halted batch had counted events");
        assertTrue(duplicates >= unacknowledged[0], "the " + unacknowledged[0]
                + " events committed but not acknowledged came back and were suppressed as duplicates (found " + duplicates + ")");
        System.out.printf("halt between commit and acknowledgement: %d events unacknowledged, %.0f duplicates suppressed%n",
                unacknowledged[0], duplicates);
    }

    /** What the current processor instance found counted already. */
    private static double duplicates() {
        String metrics = given().baseUri(services.managementUrl(TestServices.PROCESSOR)).when().get("/q/metrics").then().extract().asString();
        Matcher m = Pattern.compile("(?m)^veltrix_processor_events_duplicate_total ([0-9.E]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
