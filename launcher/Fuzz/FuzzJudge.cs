using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// Judges a fuzz run from its serial lines (docs/fuzz.md "What pass means"), fed one at a time with the time
/// each arrived: any failure line fails it (<see cref="FuzzLines.Failure"/>); so does no progress for the hang
/// limit (no fuzzer line: the kernel hangs, or every fuzzer is stuck; committed checkpoints alone are no progress);
/// so does the warden's health check of the services (<c>fuzz: health FAIL</c>). It is complete when every fuzzer
/// printed its done line, the warden its health ok line and its done line, and a checkpoint committed after that
/// (the state the authority check reads). Pure: the tests feed it synthesized logs.
/// </summary>
public sealed class FuzzJudge
{
    private readonly int _fuzzers;
    private readonly TimeSpan _hangLimit;
    private readonly Dictionary<int, Match> _done = [];
    private readonly Dictionary<int, long> _progress = [];
    private TimeSpan _lastProgress;
    private bool _wardenDone;
    private bool _healthy;

    public FuzzJudge(int fuzzers, TimeSpan hangLimit)
    {
        _fuzzers = fuzzers;
        _hangLimit = hangLimit;
    }

    /// <summary>The first reason the run failed, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Every fuzzer and the warden are done and a checkpoint committed since.</summary>
    public bool Complete { get; private set; }

    /// <summary>Checkpoints committed during the run.</summary>
    public int Commits { get; private set; }

    /// <summary>The warden's health line (what follows <c>fuzz: health ok</c>), once it came.</summary>
    public string? Health { get; private set; }

    /// <summary>The warden's kicks (fuzzers made Running again).</summary>
    public long Kicks { get; private set; }

    /// <summary>Invocations reported so far (progress or done lines), over all fuzzers.</summary>
    public long Invocations
    {
        get
        {
            long sum = 0;
            foreach (long n in _progress.Values)
            {
                sum += n;
            }

            return sum;
        }
    }

    /// <summary>The done lines, per fuzzer.</summary>
    public IReadOnlyDictionary<int, Match> Done => _done;

    /// <summary>Feeds one serial line that arrived at <paramref name="at"/> (time since boot).</summary>
    public void OnLine(string line, TimeSpan at)
    {
        if (Failure is not null)
        {
            return;
        }

        if (FuzzLines.Failure().IsMatch(line))
        {
            Failure = $"the kernel printed: {line}";
            return;
        }

        if (FuzzLines.Committed().IsMatch(line))
        {
            Commits++;
            Complete = _wardenDone && _healthy && _done.Count == _fuzzers;
            return;
        }

        if (FuzzLines.Health().Match(line) is { Success: true } health)
        {
            if (health.Groups["verdict"].Value != "ok")
            {
                Failure = $"the services failed their health check after the run: {line}";
                return;
            }

            _healthy = true;
            Health = health.Groups["rest"].Value.Trim();
            _lastProgress = at;
            return;
        }

        if (FuzzLines.WardenDone().Match(line) is { Success: true } warden)
        {
            _wardenDone = true;
            Kicks = long.Parse(warden.Groups["kicks"].Value, CultureInfo.InvariantCulture);
            _lastProgress = at;
            return;
        }

        if (FuzzLines.Report().Match(line) is { Success: true } report)
        {
            int fuzzer = int.Parse(report.Groups["fuzzer"].Value, CultureInfo.InvariantCulture);
            if (fuzzer >= _fuzzers)
            {
                Failure = $"a report from fuzzer {fuzzer}, which does not exist: {line}";
                return;
            }

            _progress[fuzzer] = long.Parse(report.Groups["n"].Value, CultureInfo.InvariantCulture);
            _lastProgress = at;
            if (report.Groups["what"].Value == "done")
            {
                _done.TryAdd(fuzzer, report);
            }
        }
    }

    /// <summary>Called as time passes with no line: fails the run when nothing progressed for the hang limit.</summary>
    public void OnTime(TimeSpan now)
    {
        if (Failure is null && !Complete && now - _lastProgress > _hangLimit)
        {
            var missing = new List<int>();
            for (int i = 0; i < _fuzzers; i++)
            {
                if (!_done.ContainsKey(i))
                {
                    missing.Add(i);
                }
            }

            Failure = string.Create(CultureInfo.InvariantCulture,
                $"hang: no progress for {_hangLimit.TotalSeconds:0} s (fuzzers not done: {(missing.Count == 0 ? "none" : string.Join(",", missing))}; health: {(_healthy ? "ok" : "none")}; warden done: {(_wardenDone ? "yes" : "no")}; commits: {Commits})");
        }
    }

    /// <summary>The guest ended (QEMU exited) before the run completed.</summary>
    public void OnExit(string how)
    {
        if (Failure is null && !Complete)
        {
            Failure = $"the guest ended before every fuzzer was done: {how}";
        }
    }
}
