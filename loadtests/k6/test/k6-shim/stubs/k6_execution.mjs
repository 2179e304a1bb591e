import { state } from '../runtime.mjs';

const need = (what) => {
  if (!state.scenario) throw new Error(`k6/execution: ${what} read outside a scenario (init context?)`);
  return state.scenario;
};
export default {
  get scenario() {
    const sc = need('scenario');
    return {
      name: sc.name,
      executor: sc.executor,
      startTime: state.epochMs + sc.startTimeMs,
      iterationInTest: sc.iterationInTest,
      iterationInInstance: sc.iterationInTest,
    };
  },
  get vu() {
    need('vu');
    return { idInTest: state.vu.idInTest, idInInstance: state.vu.idInTest, iterationInInstance: state.vu.iterationInInstance };
  },
  get instance() {
    return { currentTestRunDuration: state.nowMs };
  },
  test: {
    abort(reason) {
      throw new Error(`exec.test.abort(${reason})`);
    },
  },
};
