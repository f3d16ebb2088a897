package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    private final Schedule.OneCycle cycle = Schedule.OneCycle.of(5e-3);

    @Test
    void learningRateWarmsUpThenAnnealsAsFastaiDoes() {
        assertEquals(5e-3 / 25, cycle.lr(0), 1e-15);
        assertEquals(5e-3, cycle.lr(0.25), 1e-15);
        // half-way through warm-up: the cosine mid-point of lr_max/25 and lr_max
        assertEquals((5e-3 / 25 + 5e-3) / 2, cycle.lr(0.125), 1e-12);
        // half-way through the annealing phase
        assertEquals((5e-3 + 5e-3 / 1e5) / 2, cycle.lr(0.625), 1e-12);
        assertEquals(5e-3 / 1e5, cycle.lr(1.0), 1e-15);
    }

    @Test
    void momentumCyclesInTheOppositeDirection() {
        assertEquals(0.95, cycle.mom(0), 1e-12);
        assertEquals(0.85, cycle.mom(0.25), 1e-12);
        assertEquals(0.90, cycle.mom(0.125), 1e-12);
        assertEquals(0.90, cycle.mom(0.625), 1e-12);
        assertEquals(0.95, cycle.mom(1.0), 1e-12);
    }

    @Test
    void cosAndExpMatchFastaisFormulas() {
        assertEquals(2 + (1 + Math.cos(Math.PI * 0.7)) * (7 - 2) / 2, Schedule.cos(2, 7, 0.3), 1e-12);
        assertEquals(1e-7 * Math.pow(1e8, 0.5), Schedule.exp(1e-7, 10, 0.5), 1e-12);
    }
}
