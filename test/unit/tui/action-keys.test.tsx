import { describe, expect, it } from 'vitest';
import { bootEvents } from './event-factory.js';
import { KEY, renderApp } from './render-app.js';

describe('keys that act', () => {
  it('r prompts for the image, then the options, and calls runInstance with the flags', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('r', 'minicirros');
    await app.until(() => expect(app.lines().at(-1)).toContain('run image: minicirros'));
    await app.press(KEY.enter, '--name a --datasource "openstack"');
    await app.until(() => expect(app.lines().at(-1)).toContain('run minicirros options: --name a'));
    expect(app.actions.runInstance).not.toHaveBeenCalled();
    await app.press(KEY.enter);
    await app.until(() => expect(app.lines().at(-1)).toContain('launching minicirros'));
    expect(app.actions.runInstance).toHaveBeenCalledWith('minicirros', ['--name', 'a', '--datasource', 'openstack']);
  });

  it('a chunk typed at once (paste, tmux send-keys) is split into keys: its CR submits the prompt', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('r', `minicirros${KEY.enter}`);
    await app.until(() => expect(app.lines().at(-1)).toContain('run minicirros options:'));
    await app.press(`--name ab${KEY.backspace}c${KEY.enter}`);
    await app.until(() => expect(app.actions.runInstance).toHaveBeenCalledWith('minicirros', ['--name', 'ac']));
  });

  it('a key sees the state the previous key left, even before React re-rendered', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('/', `zzz${KEY.enter}`);
    await app.until(() => expect(app.frame()).toContain('Instances (0)'));
    // One chunk: reopen the filter, erase it, close it, open the detail view. The Enter at the end must
    // see the filter cleared by the keys before it, not the empty list of the last frame.
    await app.press(`/${KEY.backspace.repeat(3)}${KEY.enter}${KEY.enter}`);
    await app.until(() => expect(app.frame()).toMatch(/^Stages/m));
    expect(app.frame()).not.toContain('no instance selected');
  });

  it('shows a failed action in the footer instead of stopping', async () => {
    const app = await renderApp({ events: bootEvents() });
    app.actions.runInstance.mockRejectedValueOnce(new Error('image not found: nope'));
    await app.press('r', 'nope', KEY.enter, KEY.enter);
    await app.until(() => expect(app.lines().at(-1)).toContain('run nope failed: image not found: nope'));
  });

  it('d asks before deleting and deletes on y only', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('d');
    await app.until(() => expect(app.lines().at(-1)).toContain('delete web (i-0123456789abcdef0)? y/N'));
    await app.press('n');
    // The prompt is gone: n was handled, and a delete would have been called while handling it.
    await app.until(() => expect(app.lines().at(-1)).not.toContain('y/N'));
    expect(app.actions.deleteInstance).not.toHaveBeenCalled();
    await app.press('d', 'y');
    await app.until(() => expect(app.actions.deleteInstance).toHaveBeenCalledWith('i-0123456789abcdef0'));
  });

  it('s hands the terminal to ssh and redraws the dashboard when it ends', async () => {
    const app = await renderApp({ events: bootEvents() });
    let end: () => void = () => undefined;
    app.actions.ssh.mockImplementationOnce(() => new Promise<void>((resolve) => { end = resolve; }));
    expect(app.isReadingKeys()).toBe(true);
    await app.press('s');
    await app.until(() => expect(app.actions.ssh).toHaveBeenCalledWith('i-0123456789abcdef0'));
    // ssh got a cooked terminal: Ink stopped reading keys before the session started.
    expect(app.isReadingKeys()).toBe(false);
    expect(app.frame()).toContain('ssh session to i-0123456789abcdef0');
    await app.press('q');
    expect(app.frame()).toContain('ssh session to');
    end();
    await app.until(() => expect(app.frame()).toContain('Instances (1)'));
    // The q typed during the session went to ssh, not to a quit prompt.
    expect(app.lines().at(-1)).toContain('enter detail');
    await app.until(() => expect(app.isReadingKeys()).toBe(true));
    expect(app.actions.ssh).toHaveBeenCalledTimes(1);
  });

  it('q asks whether to stop the cloud or detach', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('q');
    await app.until(() => expect(app.lines().at(-1)).toContain('quit: s stop the cloud, d detach'));
    await app.press(KEY.escape);
    await app.until(() => expect(app.lines().at(-1)).toContain('enter detail'));
    await app.press('q', 'd');
    await app.until(() => expect(app.onQuit).toHaveBeenCalledWith('detach'));
  });

  it('ctrl-c asks too, and a second ctrl-c stops', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press(KEY.ctrlC);
    await app.until(() => expect(app.lines().at(-1)).toContain('quit: s stop the cloud, d detach'));
    expect(app.onQuit).not.toHaveBeenCalled();
    await app.press(KEY.ctrlC);
    await app.until(() => expect(app.onQuit).toHaveBeenCalledWith('stop'));
  });
});
