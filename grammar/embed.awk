# embed.awk: turn grammar/*.pcre into a C table (build/grammar.c). Run by the Makefile.
# Each entry keeps its file and line so a pattern error can point at its source.
# Escape for a C string literal, byte by byte (gsub's backslash rules differ between awks).
function cstr(s,    out, i, c) {
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\" || c == "\"") out = out "\\"
    out = out c
  }
  return "\"" out "\""
}
BEGIN {
  print "/* Generated from the grammar/ files by grammar/embed.awk. Do not edit. */"
  print "#include \"grammar.h\""
  print "const gcw_grammar_entry gcw_grammar[] = {"
  n = 0
}
FNR == 1 { delete defs; file = FILENAME; sub(/.*\//, "", file) }
/^[ \t]*(#|$)/ { next }
{
  kind = $1
  if (kind == "def") {
    name = $2; text = $0; sub(/^def[ \t]+[^ \t]+[ \t]+/, "", text); defs[name] = text; next
  }
  if (kind == "start") {
    text = $0; sub(/^start[ \t]+[^ \t]+[ \t]+/, "", text)
    gsub(/\\x20/, " ", text)
    printf "  {%s, %d, GCW_G_START, %s, 0, 99, %s},\n", cstr(file), FNR, cstr($2), cstr(text); n++
    next
  }
  if (kind != "head" && kind != "part" && kind != "line" && kind != "tail" && kind != "need") {
    printf "%s:%d: unknown kind '%s'\n", FILENAME, FNR, kind > "/dev/stderr"; bad = 1; exit 1
  }
  split($3, vr, "-")
  text = $0; sub(/^[a-z]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", text)
  for (d in defs) gsub("%" d "%", defs[d], text)
  if (text ~ /%[A-Za-z]+%/) { printf "%s:%d: undefined %%NAME%%\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 1 }
  printf "  {%s, %d, GCW_G_%s, %s, %d, %d, %s},\n", cstr(file), FNR, toupper(kind), cstr($2), vr[1], vr[2], cstr(text); n++
}
END {
  if (bad) exit 1
  print "};"
  printf "const size_t gcw_grammar_count = %d;\n", n
}
