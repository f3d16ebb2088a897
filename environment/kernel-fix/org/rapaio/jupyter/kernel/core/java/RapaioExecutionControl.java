package org.rapaio.jupyter.kernel.core.java;

/*
 * Based on rapaio-jupyter-kernel 3.0.1's RapaioExecutionControl, Copyright 2023 Aurelian Tutuianu, MIT licence
 * (LICENCE at the top of environment/kernel-fix). Changed here, and why:
 *
 * 1. stop() interrupts the running snippet and nothing more, as jdk.jshell.spi.ExecutionControl.stop() is
 *    specified ("interrupts a running invoke"); shutting down the engine is close()'s job. The original stop()
 *    shut the executor down for good, and JavaEngine.interrupt() calls stop() (directly and through
 *    JShell.stop()) on every Kernel > Interrupt: from then on every cell "ran" without running (its snippets
 *    were rejected by the dead executor), answering ok with no output, until a restart.
 * 2. An interrupted snippet is waited for (up to STOP_WAIT_MILLIS) before its cell is answered. Interrupting
 *    a thread only asks it to stop; the original answered at once, so the next cell could run beside code
 *    that was still finishing (a training loop between two batches). When the snippet ends by throwing (its
 *    answer to the interrupt, e.g. InterruptedException from Thread.sleep or the library's "fit interrupted"),
 *    that exception is what the cell shows; otherwise "Execution interrupted." as before. A snippet that does
 *    not stop in time is reported as still running in the background.
 * 3. close() shuts the executor down, so no engine thread outlives JShell.close().
 *
 * Measured with environment/kernel-fix/kernel-check.py --interrupt: Thread.sleep(20000) interrupted answers
 * "sleep interrupted" in 0.07 s, and 1+1 then gives 2 (3.0.1: no reply; later cells ran nothing); a busy loop
 * that ignores the interrupt is answered after 10.0 s with the "goes on running in the background" error.
 */

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.SPIResolutionException;

public class RapaioExecutionControl extends DirectExecutionControl {

    public static final String TIMEOUT_MARKER = "## Timeout Marker ##";
    public static final String INTERRUPTED_MARKER = "## Interrupted Marker ##";
    /** How long an interrupted snippet may take to stop before its cell is answered anyway. */
    private static final long STOP_WAIT_MILLIS = 10_000;
    private static final AtomicInteger ID = new AtomicInteger(0);

    private final ExecutorService executor;
    private final long timeoutTime;
    private final ConcurrentMap<String, Future<Object>> running = new ConcurrentHashMap<>();
    private final Map<String, Object> results = new ConcurrentHashMap<>();

    /** One snippet on an engine thread: whether it started, and when and how it ended. */
    private static final class Run implements Callable<Object> {
        private static final int NEW = 0, RUNNING = 1, ENDED = 2, NEVER = 3;

        private final Method method;
        private final AtomicInteger state = new AtomicInteger(NEW);
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Exception failure;

        private Run(Method method) {
            this.method = method;
        }

        @Override
        public Object call() throws Exception {
            if (!state.compareAndSet(NEW, RUNNING)) {
                return null; // cancelled before it started
            }
            try {
                return method.invoke(null);
            } catch (Exception e) {
                failure = e;
                throw e;
            } finally {
                state.set(ENDED);
                ended.countDown();
            }
        }

        /** After a cancel: true once the snippet has ended (or when it will never start), within millis. */
        boolean awaitEnd(long millis) throws InterruptedException {
            return state.compareAndSet(NEW, NEVER) || ended.await(millis, TimeUnit.MILLISECONDS);
        }
    }

    public RapaioExecutionControl(long timeoutTime) {
        this.timeoutTime = timeoutTime;
        this.executor = Executors.newCachedThreadPool(r -> new Thread(r, "Engine-thread-" + ID.getAndIncrement()));
    }

    public long getTimeout() {
        return timeoutTime;
    }

    public Object takeResult(String key) {
        Object result = results.remove(key);
        if (result == null) {
            throw new IllegalStateException("No result with key: " + key);
        }
        return result;
    }

    @Override
    protected String invoke(Method methodCall) throws Exception {
        String id = UUID.randomUUID().toString();
        Object value = execute(id, methodCall);
        results.put(id, value);
        return id;
    }

    private Object execute(String id, Method methodCall) throws Exception {
        Run run = new Run(methodCall);
        Future<Object> runningTask = executor.submit(run);
        running.put(id, runningTask);
        try {
            if (timeoutTime > 0) {
                return runningTask.get(timeoutTime, TimeUnit.MILLISECONDS);
            }
            return runningTask.get();
        } catch (CancellationException e) {
            if (executor.isShutdown()) {
                throw new StoppedException();
            }
            if (!run.awaitEnd(STOP_WAIT_MILLIS)) {
                throw new UserException("Interrupted, but the code did not stop within " + STOP_WAIT_MILLIS / 1000
                        + " s: it goes on running in the background. Restart the kernel to end it.",
                        InterruptedException.class.getName(), e.getStackTrace());
            }
            if (run.failure != null) {
                throw userException(run.failure); // the code's own account of where it stopped
            }
            throw new UserException("Execution interrupted.", INTERRUPTED_MARKER, e.getStackTrace());
        } catch (ExecutionException e) {
            throw userException(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new UserException("Execution timed out", TIMEOUT_MARKER, e.getStackTrace());
        } finally {
            running.remove(id, runningTask);
        }
    }

    private static RunException userException(Throwable cause) {
        if (cause instanceof InvocationTargetException) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return new UserException("null", "Unknown Invocation Exception", new StackTraceElement[0]);
        } else if (cause instanceof SPIResolutionException spiResCause) {
            return new ResolutionException(spiResCause.id(), cause.getStackTrace());
        } else {
            return new UserException(cause.getMessage(), cause.getClass().getName(), cause.getStackTrace());
        }
    }

    public void interrupt() {
        running.forEach((id, future) -> future.cancel(true));
    }

    /** Interrupts the running snippet (JShell.stop() and JavaEngine.interrupt() call this); the engine stays. */
    @Override
    public void stop() {
        interrupt();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        super.close();
    }
}
