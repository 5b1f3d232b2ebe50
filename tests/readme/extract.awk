# extract.awk -- the runnable examples of a node README: each code block after a marker
#
#   <!-- example: NAME expect: LIST -->
#
# is written to DIR/NN-NAME.sh (dedented), and one line "NN NAME LIST LINE" to DIR/manifest
# (LINE: the marker's line in the README). LIST is "none" (a block that only sets variables) or
# the statuses of its curl calls in order, comma-separated, each STATUS or STATUS=TEXT (the
# answer must contain TEXT: the cause of a refusal). The block is the next fenced block, or the
# next indented one (4 spaces or more; blank lines inside it kept).
# A line of an indented or fenced block that starts with `$C ` or `curl ` outside a marked block
# is an example nobody runs: "unmarked LINE" goes to the manifest, and the test fails on it.
# Usage: awk -v dir=DIR -f extract.awk README.md
function flush(   i, last) {
    last = nlines
    while (last > 0 && lines[last] ~ /^[ \t]*$/)
        last--
    if (last == 0) {
        print "empty " marker_line >> (dir "/manifest")
    } else {
        file = sprintf("%s/%02d-%s.sh", dir, nblocks, name)
        for (i = 1; i <= last; i++)
            print substr(lines[i], indent + 1) > file
        close(file)
        printf "%02d %s %s %d\n", nblocks, name, expect, marker_line >> (dir "/manifest")
    }
    state = ""
    nlines = 0
}

function leading(s) {
    match(s, /^ */)
    return RLENGTH
}

BEGIN { state = ""; nblocks = 0; infence = 0 }

# Inside a marked block.
state == "fenced" {
    if ($0 ~ /^ *```/) { flush(); next }
    lines[++nlines] = $0
    next
}
state == "indented" {
    if ($0 ~ /^[ \t]*$/ || leading($0) >= 4) { lines[++nlines] = $0; next }
    flush()
}
state == "wait" {
    if ($0 ~ /^[ \t]*$/) next
    if ($0 ~ /^ *```/) { state = "fenced"; indent = leading($0); next }
    if (leading($0) >= 4) { state = "indented"; indent = leading($0); lines[++nlines] = $0; next }
    print "nocode " marker_line >> (dir "/manifest")
    state = ""
}

/^<!-- example: [a-z0-9-]+ expect: [^ ]+ -->$/ {
    if (infence) { print "inside " NR >> (dir "/manifest"); next }
    name = $3
    expect = $5
    marker_line = NR
    nblocks++
    state = "wait"
    nlines = 0
    next
}

# Outside marked blocks: track fences, and catch curl lines nobody runs.
/^ *```/ { infence = !infence; next }
(infence || leading($0) >= 4) && $0 ~ /^ *(\$C |curl )/ { print "unmarked " NR >> (dir "/manifest") }

END {
    if (state == "fenced" || state == "indented")
        flush()
    else if (state == "wait")
        print "nocode " marker_line >> (dir "/manifest")
}
