/**
 * fastai's Adam, composed from its steppers (decoupled weight decay, the two moving averages, the debias, the
 * step), exact by default and lazy on request.
 */
package dev.fastbook.collab.train.optim;
