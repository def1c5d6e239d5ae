package io.veltrix.simulator.client;

/**
 * What ingest answered to one batch request.
 *
 * @param status        HTTP status, or 0 when the request failed without an answer (connection refused, timeout)
 * @param events        events in the request
 * @param accepted      events ingest persisted on Pulsar
 * @param duplicate     events answered {@code duplicate}
 * @param rejected      events refused (kept on events.rejected)
 * @param notPersisted  events Pulsar did not persist (503), or every event of a request without an answer
 * @param firstProblem  the first rejection's reason, path and message, or the error, for the report; null if none
 */
public record BatchOutcome(int status, int events, long accepted, long duplicate, long rejected, long notPersisted,
                           String firstProblem) {

    public static BatchOutcome failed(int events, String problem) {
        return new BatchOutcome(0, events, 0, 0, 0, events, problem);
    }

    public boolean ok() {
        return status == 200 && accepted + duplicate == events;
    }
}
