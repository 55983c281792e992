// The dashboard's browser side: renders a demo run (from /run.json, then every
// server-sent `run` event; or, in the saved report, from the embedded JSON)
// with Chart.js. No page reloads: tables are rewritten and charts updated in place.
/* global Chart */
(() => {
  const COLORS = ['#1b7837', '#d95f02', '#7570b3', '#e7298a', '#1f78b4'];
  const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4]];
  const POINTS = ['circle', 'triangle', 'rectRot', 'star', 'crossRot'];
  const charts = new Map();
  let run = null;
  let selected = null;
  // This page's own verdicts, by round (see localCell); kept across updates.
  const localChecks = new Map();
  window.mtDashboard = { updates: 0, loadedAt: Date.now() };

  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs ?? {})) {
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat())
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  /** The child of `parent` with this id, created once (so canvases survive updates). */
  function ensure(parent, id, make) {
    let node = document.getElementById(id);
    if (!node) {
      node = make();
      node.id = id;
      parent.append(node);
    }
    return node;
  }
  const short = (hotkey) => `${hotkey.slice(0, 8)}…`;
  const tau = (rao) => Number(rao) / 1e9;
  const mean = (xs) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const fixed = (v, d) => Number(v).toFixed(d);

  function style(index) {
    return {
      borderColor: COLORS[index % COLORS.length],
      backgroundColor: COLORS[index % COLORS.length],
      borderDash: DASHES[index % DASHES.length],
      pointStyle: POINTS[index % POINTS.length],
      pointRadius: 4,
      borderWidth: 2,
    };
  }

  /** A line chart in `parent`, made once and updated in place afterwards. */
  function lineChart(parent, id, { title, x, y, labels, series, max }) {
    const figure = ensure(parent, `${id}-figure`, () =>
      el(
        'figure',
        { class: 'chart' },
        el('canvas', { 'data-chart': id, role: 'img', 'aria-label': title }),
      ),
    );
    const datasets = series.map((s, i) => ({ label: s.name, data: s.values, ...style(i) }));
    const existing = charts.get(id);
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.update('none');
      return;
    }
    const canvas = figure.querySelector('canvas');
    charts.set(
      id,
      new Chart(canvas, {
        type: 'line',
        data: { labels, datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          plugins: {
            title: { display: true, text: title },
            legend: { labels: { usePointStyle: true } },
            tooltip: { enabled: true },
          },
          scales: {
            x: { title: { display: true, text: x } },
            y: {
              title: { display: true, text: y },
              beginAtZero: true,
              ...(max ? { suggestedMax: max } : {}),
            },
          },
        },
      }),
    );
  }

  /** A table in `parent`, above its charts, made once; its rows are rewritten on every update. */
  function table(parent, id, head, rows) {
    let node = document.getElementById(id);
    if (!node) {
      node = el('table', { id }, el('thead'), el('tbody'));
      parent.insertBefore(node, parent.querySelector(':scope > .charts'));
    }
    node.tHead.replaceChildren(
      el(
        'tr',
        {},
        head.map((h) => el('th', {}, h)),
      ),
    );
    node.tBodies[0].replaceChildren(...rows);
    return node;
  }

  function roundsOf(netuid, hotkey) {
    return run.rounds
      .filter((r) => r.netuid === netuid)
      .flatMap((r) =>
        r.outcomes
          .filter((o) => o.hotkey === hotkey)
          .map((o) => ({ ...o, epoch: r.epoch, validator: r.validator })),
      );
  }
  const epochIndexes = () => [...new Set(run.rounds.map((r) => r.epoch))].sort((a, b) => a - b);

  function renderHeader() {
    const done = epochIndexes().length;
    $('status').textContent =
      `${run.status === 'finished' ? 'Finished' : 'Running'}: ${done} of ${run.meta.epochs} epochs` +
      ` · updated ${new Date().toLocaleTimeString()}`;
    $('status').dataset.status = run.status;
    const meta = [
      ['started', new Date(run.meta.startedAt).toLocaleString()],
      ['chain', run.meta.chain],
      ['wire', run.meta.wire],
      ['Node.js', run.meta.node],
      ['epochs', `${run.meta.epochs} (tempo ${run.meta.tempo} blocks)`],
      ['weights', `∝ average^${run.meta.sharpness}`],
      ['digits model', `${fixed(100 * run.digitsAccuracy, 1)} % held out`],
      [
        'validators',
        run.validators.map((v) => `${short(v.hotkey)} ${fixed(tau(v.stake), 1)} τ`).join(', '),
      ],
    ];
    $('meta').replaceChildren(...meta.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }

  function renderSubnet(subnet) {
    const { netuid, name } = subnet;
    const section = ensure($('subnets'), `subnet-${netuid}`, () =>
      el(
        'section',
        { 'data-netuid': netuid },
        el('h2', {}, `Subnet ${netuid}: ${name}`),
        el('div', { class: 'charts' }),
      ),
    );
    const epochs = run.epochs[netuid] ?? [];
    const hasProofs = run.rounds.some(
      (r) => r.netuid === netuid && r.outcomes.some((o) => o.proofValid !== undefined),
    );
    // Computed once on the server (`standings`), the same numbers as the console table.
    const rows = run.standings[netuid].map((s) =>
      el(
        'tr',
        { 'data-miner': s.miner, class: selected === s.miner ? 'selected' : '' },
        el('td', {}, el('button', { type: 'button', onclick: () => select(s.miner) }, s.miner)),
        el('td', {}, s.behaviour),
        el('td', {}, fixed(s.meanScore, 3)),
        el('td', {}, fixed(s.consensus, 3)),
        el('td', {}, fixed(s.incentive, 3)),
        el('td', { class: 'emission' }, fixed(s.emission, 4)),
        el('td', {}, s.proofsChecked === 0 ? '–' : `${s.proofsValid}/${s.proofsChecked}`),
        el('td', {}, `${fixed(s.meanLatencyMs, 0)} ms`),
      ),
    );
    table(
      section,
      `standings-${netuid}`,
      [
        'miner',
        'behaviour',
        'mean score',
        'consensus',
        'incentive',
        'emission τ',
        'valid proofs',
        'mean latency',
      ],
      rows,
    );
    const charts = section.querySelector('.charts');
    const cs = epochIndexes();
    const perMiner = (pick) => run.miners.map((m) => ({ name: m.name, values: pick(m) }));
    lineChart(charts, `score-${netuid}`, {
      title: 'Moving-average score (mean over validators)',
      x: 'epoch',
      y: 'score (0–1)',
      max: 1,
      labels: cs.map((c) => c + 1),
      series: perMiner((m) =>
        cs.map((c) =>
          mean(
            roundsOf(netuid, m.hotkey)
              .filter((o) => o.epoch === c)
              .map((o) => o.average),
          ),
        ),
      ),
    });
    lineChart(charts, `weights-${netuid}`, {
      title: 'Weight on the chain (mean over validators)',
      x: 'epoch',
      y: 'share of the largest (0–1)',
      max: 1,
      labels: cs.map((c) => c + 1),
      series: perMiner((m) =>
        cs.map((c) =>
          mean(
            run.weights
              .filter((w) => w.netuid === netuid && w.epoch === c)
              .map((w) => w.byMiner[m.hotkey] ?? 0),
          ),
        ),
      ),
    });
    const blocks = epochs.map((e) => e.block);
    const at = (e, m, field) => {
      const i = e.hotkeys.indexOf(m.hotkey);
      return i >= 0 ? Number(e[field][i]) : 0;
    };
    lineChart(charts, `incentive-${netuid}`, {
      title: 'Incentive per epoch (chain)',
      x: 'block',
      y: 'incentive (0–1)',
      max: 1,
      labels: blocks,
      series: perMiner((m) => epochs.map((e) => at(e, m, 'incentive'))),
    });
    lineChart(charts, `emission-${netuid}`, {
      title: 'Cumulative emission (chain)',
      x: 'block',
      y: 'τ',
      labels: blocks,
      series: perMiner((m) => {
        let sum = 0;
        return epochs.map((e) => (sum += at(e, m, 'emission') / 1e9));
      }),
    });
    if (hasProofs)
      lineChart(charts, `proofs-${netuid}`, {
        title: 'Valid proofs per epoch',
        x: 'epoch',
        y: 'proofs',
        labels: cs.map((c) => c + 1),
        series: perMiner((m) =>
          cs.map(
            (c) => roundsOf(netuid, m.hotkey).filter((o) => o.epoch === c && o.proofValid).length,
          ),
        ),
      });
  }

  function select(name) {
    selected = name;
    if (location.hash !== `#miner=${name}`) history.replaceState(null, '', `#miner=${name}`);
    render();
  }

  function renderDrilldown() {
    const section = $('drilldown');
    const miner = run.miners.find((m) => m.name === selected);
    section.hidden = !miner;
    if (!miner) return;
    const title = ensure(section, 'drilldown-title', () => el('h2'));
    title.textContent = `Miner ${miner.name}: ${miner.behaviour} (${miner.hotkey})`;
    const validators = run.validators.map((v) => v.hotkey);
    for (const { netuid, name } of run.meta.subnets) {
      const part = ensure(section, `drill-${netuid}`, () =>
        el(
          'div',
          { 'data-netuid': netuid },
          el('h3', {}, `Subnet ${netuid}: ${name}`),
          el('div', { class: 'charts' }),
        ),
      );
      const mine = roundsOf(netuid, miner.hotkey);
      const cs = epochIndexes();
      const byValidator = (pick) =>
        validators.map((v) => ({
          name: `validator ${short(v)}`,
          values: cs.map((c) => pick(mine.find((o) => o.epoch === c && o.validator === v))),
        }));
      const charts = part.querySelector('.charts');
      lineChart(charts, `drill-score-${netuid}`, {
        title: 'Score per validator',
        x: 'epoch',
        y: 'score (0–1)',
        max: 1,
        labels: cs.map((c) => c + 1),
        series: byValidator((o) => (o ? o.score : null)),
      });
      lineChart(charts, `drill-latency-${netuid}`, {
        title: 'Latency measured by each validator',
        x: 'epoch',
        y: 'ms',
        labels: cs.map((c) => c + 1),
        series: byValidator((o) => (o ? Math.round(o.latencyMs) : null)),
      });
      const rows = mine.map((o) =>
        el(
          'tr',
          { 'data-epoch': o.epoch },
          el('td', {}, o.epoch + 1),
          el('td', {}, short(o.validator)),
          el('td', {}, o.status),
          el('td', {}, fixed(o.score, 3)),
          el('td', {}, `${fixed(o.latencyMs, 0)} ms`),
          el(
            'td',
            { class: 'verdict' },
            o.proofValid === undefined
              ? '–'
              : o.proofValid
                ? 'valid'
                : `invalid${o.proofCode ? ` (${o.proofCode})` : ''}`,
          ),
          el('td', { class: 'reason' }, o.proofReason ?? o.error ?? ''),
          localCell(netuid, o),
          el('td', { class: 'sample' }, o.sample ?? ''),
        ),
      );
      table(
        part,
        `drill-rounds-${netuid}`,
        [
          'epoch',
          'validator',
          'status',
          'score',
          'latency',
          'proof (validator)',
          'reason',
          'proof (this page)',
          'sample answer',
        ],
        rows,
      );
    }
  }

  /** What this page found for a round's proof, in words. */
  function describeLocal(result) {
    if (result.error) return `error: ${result.error}`;
    const { verdict } = result;
    if (!verdict.valid) return `invalid (${verdict.code})`;
    return `valid · local run predicts ${result.localPredicted}, max |Δ| ${result.maxDifference.toExponential(1)}`;
  }

  /**
   * The cell with this page's own verdict on a round's proof: a button that
   * checks the proof here (the dashboard-verify bundle, with the circuit's
   * files checked against their published hashes) and runs the model on the
   * proven input, so the reader need not trust the validator's column.
   */
  function localCell(netuid, o) {
    const cell = el('td', { class: 'local' });
    if (!o.evidence || run.proofFiles?.netuid !== netuid || !window.mtVerify) {
      cell.textContent = '–';
      return cell;
    }
    const key = `${netuid}/${o.epoch}/${o.validator}/${o.hotkey}`;
    const done = localChecks.get(key);
    if (done) {
      cell.textContent = describeLocal(done);
      cell.dataset.code = done.error ? 'error' : done.verdict.valid ? 'valid' : done.verdict.code;
      return cell;
    }
    cell.append(
      el(
        'button',
        {
          type: 'button',
          class: 'verify-here',
          onclick: async (event) => {
            event.currentTarget.disabled = true;
            cell.dataset.code = 'checking';
            const result = await window.mtVerify
              .check(o.evidence, run.proofFiles)
              .catch((error) => ({ error: error.message ?? String(error) }));
            localChecks.set(key, result);
            render();
          },
        },
        'check here',
      ),
    );
    return cell;
  }

  function renderValidators() {
    const section = $('validators');
    ensure(section, 'validators-title', () => el('h2', {}, 'Validators'));
    for (const { netuid, name } of run.meta.subnets) {
      const part = ensure(section, `validators-${netuid}`, () =>
        el(
          'div',
          { 'data-netuid': netuid },
          el('h3', {}, `Subnet ${netuid}: ${name}`),
          el('div', { class: 'charts' }),
        ),
      );
      const epochs = run.epochs[netuid] ?? [];
      const lastEpoch = epochIndexes().at(-1);
      const rows = run.validators.map((v) => {
        const e = epochs.at(-1);
        const i = e ? e.hotkeys.indexOf(v.hotkey) : -1;
        const weights = run.weights.find(
          (w) => w.netuid === netuid && w.epoch === lastEpoch && w.validator === v.hotkey,
        );
        return el(
          'tr',
          { 'data-validator': v.hotkey },
          el('td', {}, short(v.hotkey)),
          el('td', {}, fixed(tau(v.stake), 1)),
          el('td', { class: 'vtrust' }, fixed(i >= 0 ? e.validatorTrust[i] : 0, 3)),
          el('td', { class: 'dividends' }, fixed(i >= 0 ? e.dividends[i] : 0, 3)),
          el(
            'td',
            {},
            run.miners
              .map((m) => `${m.name} ${fixed(weights?.byMiner[m.hotkey] ?? 0, 2)}`)
              .join(' · '),
          ),
        );
      });
      table(
        part,
        `validators-table-${netuid}`,
        ['validator', 'stake τ', 'vtrust', 'dividends', 'weights set (latest epoch)'],
        rows,
      );
      const series = (field) =>
        run.validators.map((v) => ({
          name: `validator ${short(v.hotkey)}`,
          values: epochs.map((e) => {
            const i = e.hotkeys.indexOf(v.hotkey);
            return i >= 0 ? e[field][i] : 0;
          }),
        }));
      const charts = part.querySelector('.charts');
      lineChart(charts, `vtrust-${netuid}`, {
        title: 'Validator trust per epoch (chain)',
        x: 'block',
        y: 'vtrust (0–1)',
        max: 1,
        labels: epochs.map((e) => e.block),
        series: series('validatorTrust'),
      });
      lineChart(charts, `dividends-${netuid}`, {
        title: 'Dividends per epoch (chain)',
        x: 'block',
        y: 'dividends (0–1)',
        max: 1,
        labels: epochs.map((e) => e.block),
        series: series('dividends'),
      });
    }
  }

  function render() {
    if (!run) return;
    renderHeader();
    for (const subnet of run.meta.subnets) renderSubnet(subnet);
    renderDrilldown();
    renderValidators();
  }

  function update(next) {
    if (!next) return;
    run = next;
    window.mtDashboard.updates += 1;
    render();
  }

  const fromHash = /^#miner=(.+)$/.exec(location.hash);
  if (fromHash) selected = decodeURIComponent(fromHash[1]);
  if (document.body.dataset.live === 'true') {
    fetch('/run.json')
      .then((r) => r.json())
      .then(update);
    new EventSource('/events').addEventListener('run', (event) => update(JSON.parse(event.data)));
  } else {
    update(JSON.parse($('run').textContent));
  }
})();
