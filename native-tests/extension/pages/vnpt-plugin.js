// A stand-in for the VNPT-CA Plugin page script, written from the wire facts in docs/vnpt-compat.md: it opens
// wss://localhost:4433/plugin (then 4434, 4435) with a 3-second timeout each, sends one JSON frame per call with
// functionID, funcCallback ("callbackDefault" for the promise form), string args and the page's domain, and reads
// replies `<result>*<funcCallback>`.
/* eslint-disable */
var vnpt_plugin = (function () {
  var PORTS = [4433, 4434, 4435];
  var socket = null;
  var waiting = [];
  var log = [];

  function open(i) {
    return new Promise(function (resolve, reject) {
      if (i >= PORTS.length) return reject(new Error('plugin not installed'));
      var done = false;
      var ws;
      try {
        ws = new WebSocket('wss://localhost:' + PORTS[i] + '/plugin');
      } catch (e) {
        return open(i + 1).then(resolve, reject);
      }
      var next = function () {
        if (done) return;
        done = true;
        clearTimeout(timer);
        open(i + 1).then(resolve, reject);
      };
      var timer = setTimeout(function () {
        try { ws.close(); } catch (e) {}
        next();
      }, 3000);
      ws.onopen = function () {
        if (done) return;
        done = true;
        clearTimeout(timer);
        log.push('open:' + PORTS[i]);
        ws.onmessage = function (ev) {
          var parts = String(ev.data).split('*');
          var cb = waiting.shift();
          if (cb) cb(parts[0], parts[1]);
        };
        ws.onclose = function () { socket = null; };
        resolve(ws);
      };
      ws.onerror = next;
      ws.onclose = next;
    });
  }

  function ensure() {
    if (socket && socket.readyState === 1) return Promise.resolve(socket);
    return open(0).then(function (ws) { socket = ws; return ws; });
  }

  function call(functionID, args) {
    return ensure().then(function (ws) {
      return new Promise(function (resolve) {
        waiting.push(function (result, callback) { resolve({ result: result, callback: callback }); });
        ws.send(JSON.stringify({ functionID: functionID, funcCallback: 'callbackDefault', args: args || [], domain: location.hostname }));
      });
    });
  }

  return {
    log: log,
    checkPlugin: function () { return call(7, []); },
    getCertInfo: function (serial) { return call(0, ['1', serial || '']); },
    signPdf: function (b64, options) { return call(2, [b64, JSON.stringify(options)]); },
    signXML: function (b64, options) { return call(1, [b64, JSON.stringify(options)]); },
    signArrDataAdvanced: function (items, serial) { return call(10, [JSON.stringify(items), serial || '', '0', '0']); },
    isRelayed: function () { return !!(socket && !(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(socket), 'readyState') || {}).get); }
  };
})();
