import { defineMetric, record } from '../runtime.mjs';

class Metric {
  constructor(name, type, isTime) {
    this.name = name;
    defineMetric(name, type, Boolean(isTime));
  }
  add(value, tags) {
    record(this.name, value, tags);
  }
}
export class Trend extends Metric {
  constructor(name, isTime) {
    super(name, 'trend', isTime);
  }
}
export class Rate extends Metric {
  constructor(name) {
    super(name, 'rate');
  }
}
export class Counter extends Metric {
  constructor(name) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name, isTime) {
    super(name, 'gauge', isTime);
  }
}
export default { Trend, Rate, Counter, Gauge };
