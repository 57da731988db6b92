using System;
using System.Diagnostics;
using System.Globalization;

namespace RingIpc.Bench;

/// <summary>The reader's clock for a throughput row: starts at the first message, lets a warm-up pass (so both sides run
/// the JIT's final, tiered-up code), then counts the messages of a fixed span.</summary>
internal sealed class MeasuredWindow
{
    private readonly double _warmupSeconds;
    private readonly double _measuredSeconds;
    private readonly Action? _onMeasuring;
    private readonly Stopwatch _clock = new();
    private long _startCount = -1;
    private double _startSeconds;
    private long _messages;
    private double _seconds;

    /// <param name="warmupSeconds">The warm-up, from the first message.</param>
    /// <param name="measuredSeconds">The measured span after it.</param>
    /// <param name="onMeasuring">Runs once, when the warm-up is over (before the span's first count).</param>
    public MeasuredWindow(double warmupSeconds, double measuredSeconds, Action? onMeasuring = null) =>
        (_warmupSeconds, _measuredSeconds, _onMeasuring) = (warmupSeconds, measuredSeconds, onMeasuring);

    /// <summary>Called after each batch with the number of messages received so far; true once the span is complete.</summary>
    public bool Observe(long received)
    {
        if (!_clock.IsRunning)
        {
            _clock.Start();
        }

        double now = _clock.Elapsed.TotalSeconds;
        if (_startCount < 0)
        {
            if (now >= _warmupSeconds)
            {
                _onMeasuring?.Invoke();
                (_startCount, _startSeconds) = (received, _clock.Elapsed.TotalSeconds);
            }

            return false;
        }

        if (now - _startSeconds < _measuredSeconds)
        {
            return false;
        }

        (_messages, _seconds) = (received - _startCount, now - _startSeconds);
        return true;
    }

    /// <summary>The messages and seconds of the measured span, once <see cref="Observe"/> returned true.</summary>
    public (long Messages, double Seconds) Result => (_messages, _seconds);

    /// <summary>The reader's result line, "&lt;messages&gt; &lt;seconds&gt;" (see <see cref="ChildProcess.ReadResult"/>).</summary>
    public string ResultLine => string.Create(CultureInfo.InvariantCulture, $"{_messages} {_seconds}");
}
