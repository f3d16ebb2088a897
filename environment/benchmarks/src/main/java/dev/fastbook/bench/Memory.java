package dev.fastbook.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Figures the benchmarks print: resident memory from /proc (Linux; -1 elsewhere), heap, CPU time and medians. */
final class Memory {
    private Memory() {}

    /** Resident memory now, in KiB. */
    static long rssKb() {
        return statusKb("VmRSS:");
    }

    /** The most resident memory this process has had, in KiB. */
    static long peakRssKb() {
        return statusKb("VmHWM:");
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use after the most recent garbage collection, in MiB (what the live objects need). */
    static long heapLiveMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && afterGc != null) {
                bytes += afterGc.getUsed();
            }
        }
        return bytes >> 20;
    }

    /** CPU seconds this process has used so far, all threads (-1 where the JVM cannot say). */
    static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long nanos = sun.getProcessCpuTime();
            return nanos < 0 ? -1 : nanos / 1e9;
        }
        return -1;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
