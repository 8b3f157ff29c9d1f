using System.Globalization;

namespace KubePS.Engine.Logs;

/// <summary>
/// A kubelet log timestamp with nanosecond precision (RFC 3339 with up to 9 fraction digits). Comparing these, not
/// DateTime ticks, keeps two lines 50 ns apart distinct when de-duplicating at a reconnect boundary.
/// </summary>
internal readonly record struct LogTime(long UnixSeconds, int Nanos) : IComparable<LogTime>
{
    public static readonly LogTime None = new(long.MinValue, 0);

    public bool IsNone => UnixSeconds == long.MinValue;

    public int CompareTo(LogTime other)
    {
        var c = UnixSeconds.CompareTo(other.UnixSeconds);
        return c != 0 ? c : Nanos.CompareTo(other.Nanos);
    }

    public static bool operator <(LogTime a, LogTime b) => a.CompareTo(b) < 0;
    public static bool operator >(LogTime a, LogTime b) => a.CompareTo(b) > 0;
    public static bool operator <=(LogTime a, LogTime b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LogTime a, LogTime b) => a.CompareTo(b) >= 0;

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.FromUnixTimeSeconds(UnixSeconds).AddTicks(Nanos / 100);

    /// <summary>RFC 3339 with 7 fraction digits (as precise as a .NET parser on the server side accepts), never later than this time.</summary>
    public string ToQueryString() =>
        ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static LogTime From(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }
        return new LogTime(seconds, (int)(rem * 100));
    }

    /// <summary>
    /// Splits "2024-05-01T10:00:00.123456789Z the line" into its time and the rest. Returns false (time None, text unchanged)
    /// when the line has no timestamp prefix.
    /// </summary>
    public static bool TrySplit(string line, out LogTime time, out string text)
    {
        time = None;
        text = line;
        var space = line.IndexOf(' ');
        var stamp = space < 0 ? line : line[..space];
        if (!TryParse(stamp, out time))
        {
            return false;
        }
        text = space < 0 ? "" : line[(space + 1)..];
        return true;
    }

    public static bool TryParse(ReadOnlySpan<char> s, out LogTime time)
    {
        time = None;
        // yyyy-MM-ddTHH:mm:ss
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        // digits parsed by hand: this runs once per log line, DateTime.TryParseExact would dominate the cost
        if (!Num(s, 0, 4, out var year) || !Num(s, 5, 2, out var month) || !Num(s, 8, 2, out var day) ||
            !Num(s, 11, 2, out var hour) || !Num(s, 14, 2, out var minute) || !Num(s, 17, 2, out var second) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        var whole = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc).AddSeconds(second == 60 ? 1 : 0);
        var i = 19;
        long nanos = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var digits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (digits < 9)
                {
                    nanos = (nanos * 10) + (s[i] - '0');
                    digits++;
                }
                i++;
            }
            for (; digits < 9; digits++)
            {
                nanos *= 10;
            }
        }
        var offset = TimeSpan.Zero;
        if (i < s.Length && (s[i] == 'Z' || s[i] == 'z'))
        {
            i++;
        }
        else if (i + 6 == s.Length && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':'
            && int.TryParse(s.Slice(i + 1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hh)
            && int.TryParse(s.Slice(i + 4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mm))
        {
            offset = new TimeSpan(hh, mm, 0) * (s[i] == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }
        if (i != s.Length)
        {
            return false;
        }
        var seconds = new DateTimeOffset(whole).ToUnixTimeSeconds() - (long)offset.TotalSeconds;
        time = new LogTime(seconds, (int)nanos);
        return true;
    }

    private static bool Num(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }

    public override string ToString() => IsNone ? "<none>" : ToDateTimeOffset().ToString("o", CultureInfo.InvariantCulture);
}
