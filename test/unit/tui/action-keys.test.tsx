import { afterEach, describe, expect, it } from 'vitest';
import { bootEvents } from './event-factory.js';
import { delay, KEY, renderApp, type AppHarness } from './render-app.js';

let app: AppHarness | undefined;
afterEach(() => app?.unmount());

describe('keys that act', () => {
  it('r prompts for the image, then the options, and calls runInstance with the flags', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press('r', 'minicirros');
    expect(app.lines().at(-1)).toContain('run image: minicirros');
    await app.press(KEY.enter, '--name a --datasource "openstack"');
    expect(app.lines().at(-1)).toContain('run minicirros options: --name a');
    await app.press(KEY.enter);
    expect(app.actions.runInstance).toHaveBeenCalledWith('minicirros', ['--name', 'a', '--datasource', 'openstack']);
    expect(app.lines().at(-1)).toContain('launching minicirros');
  });

  it('a chunk typed at once (paste, tmux send-keys) is split into keys: its CR submits the prompt', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press('r', `minicirros${KEY.enter}`);
    expect(app.lines().at(-1)).toContain('run minicirros options:');
    await app.press(`--name ab${KEY.backspace}c${KEY.enter}`);
    expect(app.actions.runInstance).toHaveBeenCalledWith('minicirros', ['--name', 'ac']);
  });

  it('a key sees the state the previous key left, even before React re-rendered', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press('/', `zzz${KEY.enter}`);
    expect(app.frame()).toContain('Instances (0)');
    // One chunk: reopen the filter, erase it, close it, open the detail view. The Enter at the end must
    // see the filter cleared by the keys before it, not the empty list of the last frame.
    await app.press(`/${KEY.backspace.repeat(3)}${KEY.enter}${KEY.enter}`);
    expect(app.frame()).not.toContain('no instance selected');
    expect(app.frame()).toMatch(/^Stages/m);
  });

  it('shows a failed action in the footer instead of stopping', async () => {
    app = await renderApp({ events: bootEvents() });
    app.actions.runInstance.mockRejectedValueOnce(new Error('image not found: nope'));
    await app.press('r', 'nope', KEY.enter, KEY.enter);
    await app.settle();
    expect(app.lines().at(-1)).toContain('run nope failed: image not found: nope');
  });

  it('d asks before deleting and deletes on y only', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press('d');
    expect(app.lines().at(-1)).toContain('delete web (i-0123456789abcdef0)? y/N');
    await app.press('n');
    expect(app.actions.deleteInstance).not.toHaveBeenCalled();
    await app.press('d', 'y');
    expect(app.actions.deleteInstance).toHaveBeenCalledWith('i-0123456789abcdef0');
  });

  it('s hands the terminal to ssh and redraws the dashboard when it ends', async () => {
    app = await renderApp({ events: bootEvents() });
    let end: () => void = () => undefined;
    app.actions.ssh.mockImplementationOnce(() => new Promise<void>((resolve) => { end = resolve; }));
    await app.press('s');
    expect(app.actions.ssh).toHaveBeenCalledWith('i-0123456789abcdef0');
    expect(app.frame()).toContain('ssh session to i-0123456789abcdef0');
    await app.press('q');
    expect(app.frame()).toContain('ssh session to');
    end();
    await delay(30);
    expect(app.frame()).toContain('Instances (1)');
    expect(app.lines().at(-1)).toContain('enter detail');
    expect(app.actions.ssh).toHaveBeenCalledTimes(1);
  });

  it('q asks whether to stop the cloud or detach', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press('q');
    expect(app.lines().at(-1)).toContain('quit: s stop the cloud, d detach');
    await app.press(KEY.escape, 'q', 'd');
    expect(app.onQuit).toHaveBeenCalledWith('detach');
  });

  it('ctrl-c asks too, and a second ctrl-c stops', async () => {
    app = await renderApp({ events: bootEvents() });
    await app.press(KEY.ctrlC);
    expect(app.onQuit).not.toHaveBeenCalled();
    await app.press(KEY.ctrlC);
    expect(app.onQuit).toHaveBeenCalledWith('stop');
  });
});
