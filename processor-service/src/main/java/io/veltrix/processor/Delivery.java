package io.veltrix.processor;

import io.smallrye.mutiny.Uni;

/** A message being processed, and how to settle it (the channel adapter wraps the connector's message). */
public interface Delivery {

    RawEvent event();

    /** Done with it: counted, found already counted, or refused and kept on events.rejected. */
    Uni<Void> ack();

    /** Cannot be processed: redelivered with backoff, dead-lettered after the bounded redeliveries. */
    Uni<Void> nack(Throwable reason);
}
