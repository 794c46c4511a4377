/*
** completion.c: `gctrace-watch completion bash|zsh`: shell completion written from the
**               option table (cli.c), so it cannot drift from what the parser accepts.
** Output: a bash script (a function for `complete -F`) or a zsh one (#compdef, using
**         _arguments), on the stream given.
** What is completed: the commands; each command's own options (never another's); the
**         values an option takes from its owner's list (--kind, --format per command,
**         --table, --input-format, --fail-on, --term); threshold names for --threshold;
**         file names for PATH and FILE arguments and for analyze's inputs.
*/
#include "cli.h"

#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arguments that name a file. */
static int takes_file(const char *arg) {
  return arg && (strcmp(arg, "PATH") == 0 || strcmp(arg, "FILE") == 0);
}

/* "kind.param=" for every threshold, space-separated (bash) into buf. */
static void threshold_words(char *buf, size_t n) {
  char *text = NULL;
  size_t len = 0, used = 0;
  FILE *m = open_memstream(&text, &len);
  buf[0] = '\0';
  if (!m)
    return;
  gcw_detect_list_thresholds(m);
  fclose(m);
  for (char *line = text; line && *line && used < n;) {
    char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
    if (!tab || !nl)
      break;
    int k = snprintf(buf + used, n - used, "%s%.*s=", used ? " " : "", (int)(tab - line), line);
    used += k > 0 ? (size_t)k : 0;
    line = nl + 1;
  }
  if (used >= n)
    buf[0] = '\0'; /* a cut list would complete wrong names: none rather than some */
  free(text);
}

static void words_of(const char *const *values, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; values && values[i] && used < n; i++) {
    int k = snprintf(buf + used, n - used, "%s%s", i ? " " : "", values[i]);
    used += k > 0 ? (size_t)k : 0;
  }
}

/* ---- bash ---- */

static void bash_command(FILE *f, int c, const char *thresholds) {
  const char *name, *summary;
  unsigned where;
  gcw_cli_command_info(c, &name, &where, &summary);
  fprintf(f, "  %s)\n    case $prev in\n", name ? name : "''");
  char opts[2048] = "", words[1024];
  size_t used = 0;
  const char *oname, *arg;
  unsigned ow;
  const char *const *values;
  char help[400];
  for (int i = 0; gcw_cli_option_full(i, &oname, &arg, &ow, &values, help, sizeof help); i++) {
    if (!(ow & where))
      continue;
    if (!strstr(opts, oname) || strstr(opts, oname)[strlen(oname)] != ' ') {
      int k = snprintf(opts + used, sizeof opts - used, "%s ", oname);
      used += k > 0 && (size_t)k < sizeof opts - used ? (size_t)k : 0;
    }
    if (values) {
      words_of(values, words, sizeof words);
      fprintf(f, "    %s) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n", oname, words);
    } else if (takes_file(arg)) {
      fprintf(f, "    %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", oname);
    } else if (strcmp(oname, "--threshold") == 0 && *thresholds) {
      fprintf(f, "    %s) compopt -o nospace 2>/dev/null; "
                 "COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n",
              oname, thresholds);
    } else if (arg) {
      fprintf(f, "    %s) return ;;\n", oname);
    }
  }
  fprintf(f, "    esac\n    opts='%s'\n", opts);
  if (c == 0)
    fprintf(f, "    [[ $cur != -* ]] && { COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); "
               "return; } ;;\n");
  else if (where & (1u << GCW_CMD_ANALYZE))
    fprintf(f, "    [[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- \"$cur\")); return; } ;;\n");
  else
    fprintf(f, "    ;;\n");
}

static void bash(FILE *f) {
  char thresholds[4096], commands[256] = "", pattern[256] = "";
  threshold_words(thresholds, sizeof thresholds);
  const char *name, *summary;
  unsigned where;
  size_t used = 0, pused = 0;
  for (int c = 1; gcw_cli_command_info(c, &name, &where, &summary); c++) {
    int k = snprintf(commands + used, sizeof commands - used, "%s ", name);
    used += k > 0 ? (size_t)k : 0;
    k = snprintf(pattern + pused, sizeof pattern - pused, "%s%s", pused ? "|" : "", name);
    pused += k > 0 ? (size_t)k : 0;
  }
  fprintf(f, "# bash completion for gctrace-watch %s (written by 'gctrace-watch completion "
             "bash' from its option table)\n",
          GCW_VERSION);
  fprintf(f, "_gctrace_watch() {\n"
             "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i opts\n"
             "  local commands='%shelp completion'\n"
             "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
             "    case ${COMP_WORDS[i]} in\n"
             "    --) COMPREPLY=($(compgen -c -- \"$cur\")); return ;; # PROG and its words\n"
             "    %s) cmd=${COMP_WORDS[i]}; break ;;\n"
             "    help|completion) cmd=${COMP_WORDS[i]}; break ;;\n"
             "    esac\n"
             "  done\n"
             "  case $cmd in\n"
             "  help) COMPREPLY=($(compgen -W \"${commands%% help completion}\" -- \"$cur\")); "
             "return ;;\n"
             "  completion) COMPREPLY=($(compgen -W 'bash zsh' -- \"$cur\")); return ;;\n",
          commands, pattern);
  for (int c = 0; gcw_cli_command_info(c, &name, &where, &summary); c++)
    bash_command(f, c, thresholds);
  fprintf(f, "  esac\n"
             "  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
             "}\n"
             "complete -F _gctrace_watch gctrace-watch\n");
}

/* ---- zsh ---- */

/* help text inside _arguments' [...]: no brackets, colons, quotes or backslashes */
static void zsh_help(FILE *f, const char *s) {
  for (int n = 0; *s && n < 60; s++, n++)
    fputc(strchr("[]:'\\", *s) ? ' ' : *s, f);
}

/* The _arguments call of command c, under the case label given (NULL: none). */
static void zsh_command(FILE *f, int c, const char *label) {
  const char *name, *summary, *oname, *arg;
  unsigned where, ow;
  const char *const *values;
  char help[400];
  gcw_cli_command_info(c, &name, &where, &summary);
  if (label)
    fprintf(f, "  (%s)\n", label);
  fprintf(f, "    _arguments -s");
  for (int i = 0; gcw_cli_option_full(i, &oname, &arg, &ow, &values, help, sizeof help); i++) {
    if (!(ow & where))
      continue;
    fprintf(f, " \\\n      '*%s[", oname);
    zsh_help(f, help);
    fputc(']', f);
    if (values) {
      char words[1024];
      words_of(values, words, sizeof words);
      fprintf(f, ":%s:(%s)", arg, words);
    } else if (takes_file(arg)) {
      fprintf(f, ":%s:_files", arg);
    } else if (arg) {
      fprintf(f, ":%s: ", arg);
    }
    fputc('\'', f);
  }
  if (c == 0)
    fprintf(f, " \\\n      '1:command:->command'");
  else if (where & (1u << GCW_CMD_ANALYZE))
    fprintf(f, " \\\n      '*:log file:_files'");
  else if (where & (1u << GCW_CMD_COMPARE))
    fprintf(f, " \\\n      '1:run id (gctrace-watch runs): ' '2:run id: '");
  fprintf(f, " ;;\n");
}

static void zsh(FILE *f) {
  const char *name, *summary;
  unsigned where;
  fprintf(f, "#compdef gctrace-watch\n"
             "# zsh completion for gctrace-watch %s (written by 'gctrace-watch completion zsh' "
             "from its option table)\n"
             "_gctrace-watch() {\n"
             "  local -a commands\n"
             "  commands=(\n",
          GCW_VERSION);
  for (int c = 1; gcw_cli_command_info(c, &name, &where, &summary); c++) {
    fprintf(f, "    '%s:", name);
    zsh_help(f, summary);
    fprintf(f, "'\n");
  }
  fprintf(f, "    'help:a command s options' 'completion:bash or zsh completion script'\n"
             "  )\n"
             "  local cmd= i state\n"
             "  for ((i = 2; i < CURRENT; i++)); do\n"
             "    case ${words[i]} in\n"
             "    (--) _normal; return ;;\n"
             "    (help|completion");
  for (int c = 1; gcw_cli_command_info(c, &name, &where, &summary); c++)
    fprintf(f, "|%s", name);
  fprintf(f, ") cmd=${words[i]}; break ;;\n"
             "    esac\n"
             "  done\n"
             "  case $cmd in\n"
             "  (help) _describe -t commands 'gctrace-watch command' commands ;;\n"
             "  (completion) _values 'shell' bash zsh ;;\n");
  for (int c = 1; gcw_cli_command_info(c, &name, &where, &summary); c++)
    zsh_command(f, c, name);
  /* no command yet: the watch options, or a command */
  zsh_command(f, 0, "*");
  fprintf(f, "  esac\n"
             "  [[ $state == command ]] && _describe -t commands 'gctrace-watch command' commands\n"
             "}\n"
             "_gctrace-watch \"$@\"\n");
}

int gcw_cli_completion(FILE *f, const char *shell) {
  if (strcmp(shell, "bash") == 0)
    bash(f);
  else if (strcmp(shell, "zsh") == 0)
    zsh(f);
  else
    return -1;
  return 0;
}
