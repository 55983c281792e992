import { axisOf, type Kernel, type KernelContext } from '../kernel.js';
import { sizeOf, type Tensor } from '../tensor.js';

/**
 * Softmax or LogSoftmax along an axis. Before opset 13 the input is read as
 * a matrix split at `axis` (default 1) and each row normalised; from 13 on,
 * along `axis` alone (default −1).
 */
function normalise(log: boolean): Kernel {
  return <E>(ctx: KernelContext<E>): Tensor<E>[] => {
    const A = ctx.algebra;
    const x = ctx.input(0);
    const rank = x.dims.length;
    const modern = ctx.opset >= 13;
    const a = axisOf(ctx.int('axis', modern ? -1 : 1), rank);
    const d = modern ? (x.dims[a] ?? 1) : sizeOf(x.dims.slice(a));
    const inner = modern ? sizeOf(x.dims.slice(a + 1)) : 1;
    const outer = sizeOf(x.dims.slice(0, a));
    const data = [...x.data];
    for (let o = 0; o < outer; o += 1)
      for (let i = 0; i < inner; i += 1) {
        const at = (j: number) => (o * d + j) * inner + i;
        const group = Array.from({ length: d }, (_, j) => x.data[at(j)] as E);
        (log ? A.logSoftmax(group) : A.softmax(group)).forEach((v, j) => {
          data[at(j)] = v;
        });
      }
    return [{ dims: x.dims, data }];
  };
}

/** Softmax and LogSoftmax, written once over any algebra. */
export const softmaxKernels: Record<string, Kernel> = {
  Softmax: normalise(false),
  LogSoftmax: normalise(true),
};
