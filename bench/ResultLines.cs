using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>
/// The result lines of a child process, "&lt;messages&gt; &lt;seconds&gt;" each, read on a thread of their own as they come: a
/// throughput child measures every payload size of its row in turn and prints one line per size, and the writer moves
/// on to the next size when <see cref="Done"/> says the reader has finished the current one.
/// </summary>
internal sealed class ResultLines
{
    private readonly Process _child;
    private readonly (long Messages, double Seconds)[] _results;
    private readonly Thread _reader;
    private string? _failure;
    private int _done;

    /// <summary>Starts reading <paramref name="count"/> lines from the child's standard output.</summary>
    public ResultLines(Process child, int count)
    {
        _child = child;
        _results = new (long, double)[count];
        _reader = new Thread(ReadAll) { IsBackground = true, Name = "bench result lines" };
        _reader.Start();
    }

    /// <summary>How many results have arrived; all of them once the child failed or ended early (so that no writer waits
    /// for a result that cannot come: <see cref="Wait"/> then throws).</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>Waits for the child to exit and returns its results; throws if it failed, printed something else, or did
    /// not finish within <paramref name="timeout"/>.</summary>
    public (long Messages, double Seconds)[] Wait(TimeSpan timeout)
    {
        if (!_reader.Join(timeout) || !_child.WaitForExit((int)timeout.TotalMilliseconds))
        {
            _child.Kill();
            throw new TimeoutException("the consumer process did not finish");
        }

        if (_child.ExitCode != 0 || _failure is not null)
        {
            throw new InvalidOperationException($"the consumer process failed (exit {_child.ExitCode}): {_failure}");
        }

        return _results;
    }

    private void ReadAll()
    {
        for (int i = 0; i < _results.Length; i++)
        {
            string? line = _child.StandardOutput.ReadLine();
            string[] parts = (line ?? "").Split(' ');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long messages)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                _failure = line ?? "no result";
                Volatile.Write(ref _done, _results.Length);
                return;
            }

            _results[i] = (messages, seconds);
            Volatile.Write(ref _done, i + 1); // release: the result before the count that publishes it
        }
    }
}
