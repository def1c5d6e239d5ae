package io.veltrix.stack;

import java.util.Optional;

/** A second start of an instance whose supervisor holds the lock. */
public final class AlreadyRunningException extends StackException {
    private static final long serialVersionUID = 1L;

    private final transient Optional<StackInfo> info;
    private final long pid;

    AlreadyRunningException(Instance instance, long pid, Optional<StackInfo> info) {
        super("Veltrix (" + instance.id() + ") is already running" + (pid > 0 ? ", pid " + pid : "")
                + "; stop it with ./veltrix down" + (instance == Instance.RUN ? "" : " --instance " + instance.id()));
        this.info = info;
        this.pid = pid;
    }

    public Optional<StackInfo> info() {
        return info;
    }

    public long pid() {
        return pid;
    }
}
