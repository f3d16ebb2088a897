package dev.fastbook.collab.display;

import java.awt.geom.Rectangle2D;

/**
 * Places text labels next to scatter points so that no two labels overlap and no label covers a
 * point, in screen pixels (y grows downwards).
 *
 * <p>Greedy, in the order given (so the first points, e.g. the most-rated movies, get the best
 * spots): each label takes the first free spot among eight positions hugging its point (above,
 * below, right, left, then the corners), else the nearest free spot on rings of growing radius;
 * such a label is drawn with a leader line back to its point. Only when the whole area is full does
 * a label fall back to the spot with the least overlap.
 */
final class LabelLayout {

    /** Pixels between a point's marker and its label, and between rings of far positions. */
    static final double GAP = 2;

    private static final double RING_STEP = 6;
    // Overlaps below a hundredth of a square pixel are rounding, not overlap.
    private static final double FREE = 1e-2;

    private LabelLayout() {}

    /** Where each label went, whether it sits away from its point (then draw a leader line), and the area it had. */
    record Placement(Rectangle2D[] boxes, boolean[] detached, Rectangle2D area) {}

    /**
     * @param px, py       the points' centres
     * @param w, h         each label's size
     * @param area         where labels may go (the plot area)
     * @param markerRadius half the marker size: labels keep clear of every point's marker
     */
    static Placement place(double[] px, double[] py, double[] w, double[] h, Rectangle2D area, double markerRadius) {
        int n = px.length;
        if (py.length != n || w.length != n || h.length != n) {
            throw new IllegalArgumentException("px, py, w and h need the same length; got " + n + ", " + py.length
                    + ", " + w.length + " and " + h.length);
        }
        Rectangle2D[] markers = new Rectangle2D[n];
        for (int i = 0; i < n; i++) {
            markers[i] = new Rectangle2D.Double(
                    px[i] - markerRadius, py[i] - markerRadius, 2 * markerRadius, 2 * markerRadius);
        }
        Rectangle2D[] boxes = new Rectangle2D[n];
        boolean[] detached = new boolean[n];
        double maxRadius = Math.hypot(area.getWidth(), area.getHeight());
        for (int i = 0; i < n; i++) {
            Rectangle2D best = null;
            double bestCost = Double.POSITIVE_INFINITY;
            boolean bestDetached = false;
            // Hugging positions first: a label right at its point needs no leader line.
            double c = markerRadius + GAP;
            double[][] near = {
                {px[i] - w[i] / 2, py[i] - c - h[i]}, // above
                {px[i] - w[i] / 2, py[i] + c}, // below
                {px[i] + c, py[i] - h[i] / 2}, // right
                {px[i] - c - w[i], py[i] - h[i] / 2}, // left
                {px[i] + c, py[i] - c - h[i]}, // above right
                {px[i] - c - w[i], py[i] - c - h[i]}, // above left
                {px[i] + c, py[i] + c}, // below right
                {px[i] - c - w[i], py[i] + c}, // below left
            };
            for (double[] xy : near) {
                Rectangle2D box = new Rectangle2D.Double(xy[0], xy[1], w[i], h[i]);
                double cost = overlap(box, i, boxes, markers, area);
                if (cost <= FREE) {
                    best = box;
                    bestCost = 0;
                    break;
                }
                if (cost < bestCost) {
                    best = box;
                    bestCost = cost;
                }
            }
            // Then rings around the point, nearest first; the box's centre sits on the ring.
            for (double r = c + RING_STEP; bestCost > FREE && r <= maxRadius; r += RING_STEP) {
                int directions = Math.max(16, (int) (2 * Math.PI * r / 12));
                for (int k = 0; k < directions; k++) {
                    // Start straight up and alternate sides, so "above" wins ties.
                    double angle = -Math.PI / 2 + (k % 2 == 0 ? 1 : -1) * ((k + 1) / 2) * 2 * Math.PI / directions;
                    double cx = px[i] + r * Math.cos(angle);
                    double cy = py[i] + r * Math.sin(angle);
                    // Whole pixels: text is drawn there anyway, and overlaps are then exact.
                    Rectangle2D box =
                            new Rectangle2D.Double(Math.rint(cx - w[i] / 2), Math.rint(cy - h[i] / 2), w[i], h[i]);
                    double cost = overlap(box, i, boxes, markers, area);
                    if (cost < bestCost) {
                        best = box;
                        bestCost = cost;
                        bestDetached = true;
                        if (cost <= FREE) {
                            break;
                        }
                    }
                }
            }
            boxes[i] = best;
            detached[i] = bestDetached;
        }
        return new Placement(boxes, detached, area);
    }

    // 0 when the box is free; otherwise how badly it collides: covering another label counts
    // most, then sticking out of the area, then covering a point's marker.
    private static double overlap(
            Rectangle2D box, int self, Rectangle2D[] placed, Rectangle2D[] markers, Rectangle2D area) {
        double cost = 0;
        for (int j = 0; j < self; j++) {
            cost += 100 * intersectionArea(box, placed[j]);
        }
        if (!area.contains(box)) {
            cost += 10 * (box.getWidth() * box.getHeight() - intersectionArea(box, area));
        }
        for (Rectangle2D m : markers) {
            cost += intersectionArea(box, m);
        }
        return cost;
    }

    static double intersectionArea(Rectangle2D a, Rectangle2D b) {
        double dx = Math.min(a.getMaxX(), b.getMaxX()) - Math.max(a.getMinX(), b.getMinX());
        double dy = Math.min(a.getMaxY(), b.getMaxY()) - Math.max(a.getMinY(), b.getMinY());
        return dx > 0 && dy > 0 ? dx * dy : 0;
    }
}
