// The page's first script (a classic one, run before main.js): until the playground has started, an
// uncaught error or a script that cannot be loaded replaces "Backend: starting…" with what went
// wrong, so that a page that cannot start never waits in silence. main.js, once it has wired the page, marks
// it (the class `wired`) and shows errors itself from then on.
(() => {
  const root = document.documentElement;
  function failed(what) {
    if (root.classList.contains('wired')) return; // from here on main.js shows errors itself
    const show = () => {
      const message = document.getElementById('message');
      message.hidden = false;
      message.textContent = `The playground could not start: ${what}. Reloading may help; if it does not, this browser may lack something the page needs (WebAssembly, module workers).`;
      document.getElementById('backend').textContent = 'Backend: not started';
      for (const control of document.querySelectorAll('.bar button, .bar select')) control.disabled = true; // nothing would answer them
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
    else show();
  }
  addEventListener(
    'error',
    (e) => {
      if (e.target instanceof HTMLScriptElement) failed(`${e.target.src} could not be loaded`);
      else if (e instanceof ErrorEvent) failed(e.message || 'a script failed');
    },
    true, // a script element's error does not bubble
  );
  addEventListener('unhandledrejection', (e) => failed(e.reason?.message ?? String(e.reason)));
})();
